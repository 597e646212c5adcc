"""The cohort's formgrader course, synced with the LMS, with real sandboxed
grading and the real grader account (root): attempts go in, scores given by
hand there come back, the LMS's own edits go out, and nothing else is trusted.
The formgrader server behind the hub: tests/lab/test_formgrader_lab.py."""

import decimal
import json
import os
import pwd
from pathlib import Path

import pytest

from courses.grading.models import Formgrader, Submission
from courses.grading.services.formgrader import formgrader_user
from courses.grading.services.formgrader_sync import formgrader_sync
from courses.grading.services.hand_grading import grading_regrade, manual_grade_save
from courses.jupyter import names
from tests.grading.fixtures import formgrader_grade, formgrader_grades
from tests.grading.test_feedback import page, release, text

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore:Object of type <Submitted"),
    pytest.mark.skipif(os.geteuid() != 0, reason="the grader account needs root"),
]
Status = Submission.Status
D = decimal.Decimal


@pytest.fixture
def course(manual_assignment, formgrader_accounts):
    return manual_assignment.cohort


def test_graded_attempts_go_in_and_scores_by_hand_come_back(course, submit, answer):
    submission = submit(answer())
    assert submission.status == Status.MANUAL

    assert formgrader_sync(cohort=course) == {"pulled": 0, "pushed": 1}
    account = pwd.getpwnam(names.system_user(formgrader_user(course)))
    home = Path(account.pw_dir)
    student = submission.user.username
    notebook = home / "course" / "autograded" / student / "ps1" / "ps1.ipynb"
    assert notebook.stat().st_uid == account.pw_uid  # written as the grader
    assert (home / "course" / "source" / "ps1" / "ps1.ipynb").exists()
    assert json.loads((home / ".lms-formgrader.json").read_text()) == {
        "course_id": course.lab_course_id
    }
    grades = formgrader_grades(course, student)
    assert grades["explain"] == {"manual": None, "auto": None, "needs_manual": True}
    assert grades["test_squares"]["auto"] == 2.0

    formgrader_grade(course, student, "explain", 1.5)  # as formgrader does
    assert formgrader_sync(cohort=course) == {"pulled": 1, "pushed": 0}
    submission.refresh_from_db()
    assert submission.status == Status.GRADED
    assert submission.score == D("5.5")
    row = submission.scores.get(cell="explain")
    assert (row.manual_score, row.needs_manual_grade) == (D("1.5"), False)
    assert Formgrader.objects.get(cohort=course).synced_at is not None

    # Nothing changed on either side: nothing moves.
    assert formgrader_sync(cohort=course) == {"pulled": 0, "pushed": 0}


def test_the_lms_edits_go_out_and_the_formgrader_wins_a_tie(course, submit, answer):
    submission = submit(answer())
    student = submission.user.username
    formgrader_sync(cohort=course)

    manual_grade_save(submission=submission, scores={("ps1", "explain"): 2})
    assert formgrader_sync(cohort=course) == {"pulled": 0, "pushed": 1}
    assert formgrader_grades(course, student)["explain"]["manual"] == 2.0

    # Both sides change before the next sync: the formgrader's score is kept.
    manual_grade_save(submission=submission, scores={("ps1", "explain"): 0})
    formgrader_grade(course, student, "explain", 1)
    assert formgrader_sync(cohort=course) == {"pulled": 1, "pushed": 0}
    submission.refresh_from_db()
    assert submission.scores.get(cell="explain").manual_score == 1
    assert submission.score == 5


def test_a_regrade_and_a_new_attempt_reach_the_formgrader(
    course, submit, answer, cohort_enrol
):
    from tests.factories import UserFactory

    learner = cohort_enrol(UserFactory())
    first = submit(answer(), user=learner)
    formgrader_sync(cohort=course)
    formgrader_grade(course, learner.username, "explain", 2)
    formgrader_sync(cohort=course)

    # Regraded (a test was fixed): the score by hand stays on both sides.
    grading_regrade(submissions=[first])
    first.refresh_from_db()
    assert first.formgrader_timestamp == ""
    assert formgrader_sync(cohort=course) == {"pulled": 0, "pushed": 1}
    assert formgrader_grades(course, learner.username)["explain"]["manual"] == 2.0

    # A second attempt replaces the first there, waiting for a person again.
    second = submit(answer(), user=learner)
    assert formgrader_sync(cohort=course) == {"pulled": 0, "pushed": 1}
    grades = formgrader_grades(course, learner.username)
    assert grades["explain"] == {"manual": None, "auto": None, "needs_manual": True}
    second.refresh_from_db()
    assert second.status == Status.MANUAL


def test_a_score_outside_the_points_is_not_taken(course, submit, answer):
    submission = submit(answer())
    formgrader_sync(cohort=course)
    formgrader_grade(course, submission.user.username, "explain", 99)

    formgrader_sync(cohort=course)
    submission.refresh_from_db()
    assert submission.status == Status.MANUAL
    assert submission.scores.get(cell="explain").manual_score is None


def test_feedback_has_the_score_and_comment_given_in_the_formgrader(
    course, manual_assignment, submit, answer, django_capture_on_commit_callbacks
):
    submission = submit(answer())
    formgrader_sync(cohort=course)
    note = "Clear, but say why squares grow."
    formgrader_grade(course, submission.user.username, "explain", 1.5, note)

    # No sync in between: making the feedback syncs first.
    release(manual_assignment, django_capture_on_commit_callbacks)
    submission.refresh_from_db()
    assert submission.grader_comments == {"ps1/explain": note}
    feedback_text = text(page(submission))
    assert "Score: 5.5 / 6.0" in feedback_text
    assert note in feedback_text


class RunningFormgraders:
    """The hub as the sweeper sees it: every formgrader server runs (the real
    hub: tests/lab/test_formgrader_lab.py)."""

    def users(self):
        return [
            {"name": formgrader_user(f.cohort), "servers": {"": {}}}
            for f in Formgrader.objects.select_related("cohort")
        ]

    def user(self, name):
        return {"name": name}

    def share(self, owner, **kwargs):
        pass

    def ensure_user(self, name):
        pass

    def shared_users(self, owner):
        return set()


def test_the_sweeper_syncs_a_formgrader_only_after_a_change_on_either_side(
    course, submit, answer, monkeypatch
):
    from courses.grading.services import formgrader_sync as service

    monkeypatch.setattr(service, "hub_client", RunningFormgraders)
    dumps = []
    real_dump = service.formgrader_dump
    monkeypatch.setattr(
        service, "formgrader_dump", lambda c: dumps.append(c) or real_dump(c)
    )
    Formgrader.objects.create(cohort=course)  # opened once
    submission = submit(answer())
    student = submission.user.username

    assert service.formgrader_sync_all()["pushed"] == 1  # new: put in
    service.formgrader_sync_all()  # it wrote the gradebook itself: one more look
    dumps.clear()
    assert service.formgrader_sync_all() == {"pulled": 0, "pushed": 0, "failed": 0}
    assert dumps == []  # nothing changed: no process started

    formgrader_grade(course, student, "explain", 2)  # a grader saves a score
    assert service.formgrader_sync_all()["pulled"] == 1

    manual_grade_save(submission=submission, scores={("ps1", "explain"): 1})
    assert service.formgrader_sync_all()["pushed"] == 1  # an edit in the LMS
