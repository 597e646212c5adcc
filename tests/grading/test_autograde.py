"""Autograding in the LMS (courses/services/grading.py) with real sandboxed kernels:
submit → the task grades → scores in the LMS; leases, retries, penalties."""

import datetime as dt
import decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.grading.models import Submission
from courses.grading.services.autograde import (
    _grade,
    grading_learner_course,
    grading_run,
    grading_sweep,
)
from courses.grading.services.leases import submission_claim
from tests.factories import UserFactory
from tests.grading.fixtures import HIDDEN_ONLY, WRONG_SQUARES

pytestmark = [
    # Workers grade in their own threads and connections: they must see commits.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore:Object of type <Submitted"),
]


def scores(submission) -> dict[str, decimal.Decimal | None]:
    return {s.cell: s.score for s in submission.scores.all()}


def learner_page(client, submission) -> str:
    client.force_login(submission.user)
    url = reverse("courses:assignment", args=[submission.assignment_id])
    return client.get(url).content.decode()


def test_a_correct_notebook_gets_every_point_per_question_and_in_total(submit, answer):
    submission = submit(answer())
    assert submission.status == Submission.Status.GRADED, submission.grading_error
    assert (submission.score, submission.max_score) == (4, 4)
    assert scores(submission) == {"test_mean": 1, "test_squares": 2, "test_total": 1}
    assert submission.final_score == 4
    assert submission.grading_tries == 1 and not submission.lease_token


def test_a_wrong_answer_and_a_hidden_test_failure_lose_their_points(submit, answer):
    wrong = submit(answer(squares=WRONG_SQUARES))
    hidden = submit(answer(squares=HIDDEN_ONLY))
    for submission in (wrong, hidden):
        assert submission.status == Submission.Status.GRADED
        assert scores(submission)["test_squares"] == 0
        assert submission.score == 2
        assert submission.scores.get(cell="test_squares").failed_tests


def test_a_looping_cell_stops_at_its_time_limit_and_the_rest_is_graded(submit, answer):
    submission = submit(answer(mean="def mean(xs):\n    while True:\n        pass"))
    assert submission.status == Submission.Status.GRADED
    assert scores(submission) == {"test_mean": 0, "test_squares": 2, "test_total": 1}


def test_an_ungradable_notebook_waits_for_a_person_with_its_reason_never_zero(
    submit, answer
):
    submission = submit(answer(cells=1200))  # past the 1,000 cells graded
    assert submission.status == Submission.Status.MANUAL  # as nbgrader leaves it
    assert submission.score is None and submission.final_score is None
    assert submission.max_score == 4
    assert "1207 cells" in submission.grading_error
    rows = list(submission.scores.all())
    assert rows and all(r.needs_manual_grade and r.score is None for r in rows)


def test_late_work_loses_the_penalty_per_started_day_up_to_the_cap(
    assignment, submit, answer
):
    assignment.due_at = timezone.now() - dt.timedelta(days=1, hours=2)
    assignment.release_at = assignment.due_at - dt.timedelta(days=7)
    assignment.save()
    submission = submit(answer())
    assert submission.penalty == 20  # two started days at 10 %
    assert submission.final_score == decimal.Decimal("3.20")

    assignment.due_at = timezone.now() - dt.timedelta(days=30)
    assignment.save()
    assert submit(answer()).penalty == 50  # the cap


def test_an_extension_moves_the_learners_due_date(
    assignment, submit, answer, cohort_enrol
):
    from courses.grading.models import Extension

    assignment.due_at = timezone.now() - dt.timedelta(hours=1)
    assignment.release_at = assignment.due_at - dt.timedelta(days=7)
    assignment.save()
    learner = cohort_enrol(UserFactory())
    Extension.objects.create(
        assignment=assignment, user=learner, due_at=timezone.now() + dt.timedelta(1)
    )
    submission = submit(answer(), user=learner)
    assert not submission.is_late and submission.penalty == 0


def test_a_job_held_by_a_live_worker_is_not_taken_twice(submit, answer):
    submission = submit(answer(), grade=False)
    token = submission_claim(submission_id=submission.pk)
    assert token
    assert submission_claim(submission_id=submission.pk) is None
    assert grading_run(submission_ids=[submission.pk]) == {}


def test_a_killed_workers_job_is_graded_again_once_its_lease_runs_out(submit, answer):
    submission = submit(answer(), grade=False)
    assert submission_claim(submission_id=submission.pk)  # then "dies"
    Submission.objects.filter(pk=submission.pk).update(
        lease_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert grading_sweep() == {"failed": 0, "queued": 1}  # graded inline
    submission.refresh_from_db()
    assert submission.status == Submission.Status.GRADED
    assert submission.grading_tries == 2 and submission.score == 4


def test_a_late_result_of_a_superseded_worker_is_discarded(submit, answer):
    submission = submit(answer(), grade=False)
    stale = submission_claim(submission_id=submission.pk)
    Submission.objects.filter(pk=submission.pk).update(
        lease_until=timezone.now() - dt.timedelta(seconds=1)
    )
    fresh = submission_claim(submission_id=submission.pk)
    assert fresh and fresh != stale
    assert _grade(submission_id=submission.pk, token=stale) == "superseded"
    assert _grade(submission_id=submission.pk, token=fresh) == "graded"
    assert submission.scores.count() == 3  # one set of scores


def test_a_failure_outside_the_learners_code_is_tried_again_later(
    submit, answer, grading_on, client, english_ui
):
    submission = submit(answer(), grade=False)
    grading_on.GRADING_RETRY_SECONDS = 600
    broken, grading_on.GRADING_DIR = grading_on.GRADING_DIR, Path("/proc/no-place")
    assert grading_run(submission_ids=[submission.pk]) == {"retry": 1}
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RECEIVED
    assert submission.grading_tries == 1 and "no-place" in submission.grading_error
    assert submission.retry_at > timezone.now() + dt.timedelta(seconds=590)
    assert submission_claim(submission_id=submission.pk) is None  # not yet

    page = learner_page(client, submission)
    assert "Grading is delayed" in page and "no-place" not in page

    grading_on.GRADING_DIR = broken  # the cause is fixed; the pause passes
    Submission.objects.filter(pk=submission.pk).update(retry_at=timezone.now())
    grading_run(submission_ids=[submission.pk])
    submission.refresh_from_db()
    assert submission.status == Submission.Status.GRADED and submission.score == 4
    assert submission.retry_at is None and submission.grading_tries == 2


def test_a_job_that_keeps_failing_stops_after_the_tries_with_its_reason(
    submit, answer, grading_on, client, english_ui
):
    submission = submit(answer(), grade=False)
    grading_on.GRADING_RETRY_SECONDS = 0  # no pause between the tries
    grading_on.GRADING_DIR = Path("/proc/no-such-place")  # the course cannot be made
    grading_run(submission_ids=[submission.pk])
    submission.refresh_from_db()
    assert submission.status == Submission.Status.FAILED
    assert submission.grading_tries == grading_on.GRADING_MAX_TRIES
    assert "no-such-place" in submission.grading_error
    assert submission.score is None
    page = learner_page(client, submission)
    assert "staff have been told" in page and "no-such-place" not in page


def test_an_interrupted_job_fails_after_the_tries_with_a_message(
    submit, answer, english_ui
):
    submission = submit(answer(), grade=False)
    Submission.objects.filter(pk=submission.pk).update(
        status=Submission.Status.GRADING,
        grading_tries=3,
        lease_until=timezone.now() - dt.timedelta(seconds=1),
    )
    assert grading_sweep()["failed"] == 1
    submission.refresh_from_db()
    assert submission.status == Submission.Status.FAILED
    assert "interrupted 3 times" in submission.grading_error


def test_scores_are_those_of_the_nbgrader_gradebook(submit, answer):
    from courses.jupyter.gradebook import notebook_result

    submission = submit(answer(squares=WRONG_SQUARES))
    student = submission.user.username
    with grading_learner_course(submission.assignment, student) as course:
        found = notebook_result(course, "ps1", student, "ps1")
    assert float(submission.score) == found.score == 2
    assert float(submission.max_score) == found.max_score == 4


def test_scores_equal_those_of_the_nbgrader_autograde_command(submit, answer, tmp_path):
    """The same notebooks through ``nbgrader autograde`` (the way courses run it
    without the LMS) and through the LMS's workers give the same scores."""
    import shutil
    import subprocess
    import sys

    from courses.jupyter.gradebook import notebook_result
    from courses.jupyter.nbgrader_app import Course
    from tests.grading.fixtures import SOURCE

    notebooks = {
        "right": answer(),
        "wrong": answer(squares=WRONG_SQUARES),
        "hidden": answer(squares=HIDDEN_ONLY),
        "crash": answer(mean="raise ValueError('no')"),
    }
    lms = {name: submit(data) for name, data in notebooks.items()}
    root = tmp_path / "cli"
    shutil.copytree(SOURCE, root / "source" / "ps1")
    for name, data in notebooks.items():
        folder = root / "submitted" / name / "ps1"
        folder.mkdir(parents=True)
        (folder / "ps1.ipynb").write_bytes(data)
        shutil.copy(SOURCE / "numbers.txt", folder)
    nbgrader = [str(Path(sys.executable).parent / "nbgrader")]
    for step in (["generate_assignment", "ps1"], ["autograde", "ps1"]):
        subprocess.run(
            [*nbgrader, *step, "--force", "--Execute.timeout=3"],
            cwd=root,
            check=True,
            capture_output=True,
        )
    cli = Course(root, "")
    for name, submission in lms.items():
        expected = notebook_result(cli, "ps1", name, "ps1")
        assert float(submission.score) == expected.score, name
        assert float(submission.max_score) == expected.max_score, name
