"""After autograding, with real sandboxed kernels: grading by hand, regrading,
feedback released to the LMS page and the lab (exchange API), hidden tests."""

import datetime as dt
import decimal
import html as htmllib
import re

import pytest
from django.utils import timezone

from courses.grading.models import Submission
from courses.grading.services.autograde import grading_run
from courses.grading.services.feedback import feedback_release
from courses.grading.services.hand_grading import (
    ServiceError,
    extension_grant,
    grading_regrade,
    manual_grade_save,
)
from tests.factories import UserFactory
from tests.grading.fixtures import HIDDEN_ONLY

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore:Object of type <Submitted"),
]
CANARY = "HIDDEN-CANARY-squares-empty"


def page(submission, name="ps1.html") -> str:
    record = submission.feedback.get(path=name)
    with record.file.open("rb") as handle:
        return handle.read().decode()


def text(html: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", "", html)).split())


def release(assignment, django_capture_on_commit_callbacks, users=None) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return feedback_release(assignment=assignment, users=users)


def test_released_feedback_has_the_scores_and_never_the_hidden_tests(
    assignment, submit, answer, django_capture_on_commit_callbacks
):
    submission = submit(answer(squares=HIDDEN_ONLY))
    assert submission.feedback_released_at is None
    assert release(assignment, django_capture_on_commit_callbacks) == 1
    submission.refresh_from_db()
    assert submission.feedback_released_at is not None
    html = page(submission)
    assert "test_squares" in html and "Score: 2.0 / 4.0" in text(html)
    assert CANARY not in html


def test_hidden_tests_are_revealed_after_the_due_date_when_the_assignment_says(
    assignment, submit, answer, django_capture_on_commit_callbacks
):
    submission = submit(answer(squares=HIDDEN_ONLY))
    assignment.reveal_hidden_tests = True
    assignment.due_at = timezone.now() - dt.timedelta(minutes=1)
    assignment.release_at = assignment.due_at - dt.timedelta(days=1)
    assignment.save()
    release(assignment, django_capture_on_commit_callbacks)
    submission.refresh_from_db()
    assert CANARY in page(submission)


def test_only_the_last_attempt_counts_and_gets_feedback(
    assignment, submit, answer, cohort_enrol, django_capture_on_commit_callbacks
):
    learner = cohort_enrol(UserFactory())
    first = submit(answer(squares=HIDDEN_ONLY), user=learner)
    second = submit(answer(), user=learner)
    # the first is graded again into the gradebook later (a regrade):
    grading_regrade(submissions=[first])
    release(assignment, django_capture_on_commit_callbacks)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.feedback_released_at is None
    assert second.feedback_released_at is not None
    assert "Score: 4.0 / 4.0" in text(page(second))


def test_a_written_answer_waits_for_a_person_then_counts(
    manual_assignment, submit, answer, django_capture_on_commit_callbacks
):
    submission = submit(answer())
    assert submission.status == Submission.Status.MANUAL
    assert (submission.score, submission.max_score) == (4, 6)
    assert submission.scores.get(cell="explain").score is None

    manual_grade_save(
        submission=submission, scores={("ps1", "explain"): decimal.Decimal("1.5")}
    )
    submission.refresh_from_db()
    assert submission.status == Submission.Status.GRADED
    assert submission.score == decimal.Decimal("5.5")

    # Grading again (a test was fixed) keeps what the person gave.
    grading_regrade(submissions=[submission])
    submission.refresh_from_db()
    assert submission.status == Submission.Status.GRADED
    assert submission.score == decimal.Decimal("5.5")

    release(manual_assignment, django_capture_on_commit_callbacks)
    submission.refresh_from_db()
    assert "Score: 5.5 / 6.0" in text(page(submission))


def test_a_score_by_hand_outside_the_points_is_refused(
    manual_assignment, submit, answer
):
    submission = submit(answer())
    with pytest.raises(ServiceError):
        manual_grade_save(
            submission=submission, scores={("ps1", "explain"): decimal.Decimal(3)}
        )
    submission.refresh_from_db()
    assert submission.status == Submission.Status.MANUAL


def test_an_extension_granted_later_takes_the_penalty_away(
    assignment, submit, answer, cohort_enrol
):
    assignment.due_at = timezone.now() - dt.timedelta(hours=3)
    assignment.release_at = assignment.due_at - dt.timedelta(days=3)
    assignment.save()
    learner = cohort_enrol(UserFactory())
    submission = submit(answer(), user=learner)
    assert submission.penalty == 10
    extension_grant(
        assignment=assignment, user=learner, due_at=timezone.now() + dt.timedelta(1)
    )
    submission.refresh_from_db()
    assert submission.penalty == 0 and submission.final_score == 4


def test_the_lab_lists_and_downloads_released_feedback_only_its_own(
    assignment,
    submit,
    answer,
    cohort_enrol,
    client,
    on_hub,
    django_capture_on_commit_callbacks,
):
    mine = cohort_enrol(UserFactory(username="fb-learner"))
    other = cohort_enrol(UserFactory(username="fb-other"))
    on_hub.create_users([mine.username, other.username])
    submission = submit(answer(), user=mine)
    submit(answer(), user=other)
    token = on_hub.token_for(mine.username)
    listing = client.get(
        "/api/exchange/assignments", HTTP_AUTHORIZATION=f"token {token}"
    ).json()
    assert listing["assignments"][0]["submissions"][0]["feedback"] == {}

    release(assignment, django_capture_on_commit_callbacks, users=[mine])
    listing = client.get(
        "/api/exchange/assignments", HTTP_AUTHORIZATION=f"token {token}"
    ).json()
    feedback = listing["assignments"][0]["submissions"][0]["feedback"]["ps1"]
    response = client.get(feedback["url"], HTTP_AUTHORIZATION=f"token {token}")
    assert response.status_code == 200
    assert response["Content-Security-Policy"].startswith("sandbox")
    submission.refresh_from_db()
    assert response.content.decode() == page(submission)
    # The other learner's feedback (not released, and not theirs) stays closed.
    other_url = feedback["url"].replace("/feedback/1/", "/feedback/2/")
    assert client.get(other_url, HTTP_AUTHORIZATION=f"token {token}").status_code == 404


def test_grading_picks_up_what_waits_beyond_its_own_job(submit, answer):
    waiting = [submit(answer(), grade=False) for _ in range(3)]
    outcome = grading_run(submission_ids=[waiting[0].pk])
    assert outcome == {"graded": 3}
    assert all(
        Submission.objects.get(pk=s.pk).status == Submission.Status.GRADED
        for s in waiting
    )
