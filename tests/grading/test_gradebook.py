"""The cohort gradebook and grading progress (courses/selectors/gradebook.py).

Submissions are made with the ORM here: no kernels; grading itself is tested in
tests/grading/test_autograde.py.
"""

import datetime as dt
import decimal

import pytest
from django.utils import timezone

from courses.enrollment.models import Enrollment
from courses.grading.models import Assignment, Extension, Submission
from courses.grading.selectors.gradebook import (
    assignment_progress,
    cohort_gradebook,
    submission_counts,
)

pytestmark = pytest.mark.django_db
Status = Submission.Status
D = decimal.Decimal


def make_assignment(cohort, name="ps1", *, due_in_days=-1, weight=1, **fields):
    """A released assignment, due ``due_in_days`` from now (past when negative)."""
    now = timezone.now()
    due = now + dt.timedelta(days=due_in_days)
    fields.setdefault("due_at", due)
    return Assignment.objects.create(
        cohort=cohort,
        name=name,
        title=name.upper(),
        state=Assignment.State.READY,
        release_at=min(due, now) - dt.timedelta(days=7),
        weight=weight,
        **fields,
    )


def enrol(cohort, *people, status=Enrollment.Status.ENROLLED):
    for person in people:
        Enrollment.objects.create(user=person, cohort=cohort, status=status)


def make_submission(assignment, user, *, attempt=1, status=Status.GRADED, **fields):
    """An attempt as the grader leaves it; ``score``/``max_score`` when graded."""
    if status in (Status.GRADED, Status.MANUAL):
        fields.setdefault("score", D(8))
        fields.setdefault("max_score", D(10))
    return Submission.objects.create(
        assignment=assignment,
        user=user,
        attempt=attempt,
        submitted_at=timezone.now() - dt.timedelta(hours=10 - attempt),
        source=Submission.Source.LAB,
        status=status,
        **fields,
    )


def row_of(gradebook, person):
    return next(r for r in gradebook.rows if r.learner == person)


def test_the_last_attempt_counts_with_its_penalty_in_a_weighted_total(
    cohort_factory, learner
):
    cohort = cohort_factory()
    enrol(cohort, learner)
    ps1 = make_assignment(cohort, "ps1", weight=1)
    ps2 = make_assignment(cohort, "ps2", weight=3)
    make_submission(ps1, learner, attempt=1, score=D(2))
    make_submission(ps1, learner, attempt=2, score=D(8))
    late = make_submission(
        ps2, learner, score=D(5), penalty=D(20), late_by=dt.timedelta(hours=3)
    )

    row = row_of(cohort_gradebook(cohort=cohort), learner)

    first, second = row.cells
    assert (first.submission.attempt, first.submission.final_score) == (2, D(8))
    assert second.submission == late and second.submission.final_score == D(4)
    # (1 × 8/10 + 3 × 4/10) / (1 + 3) = 50 %
    assert row.total == D("50.00")


def test_a_missing_submission_counts_zero_only_after_the_learners_due_date(
    cohort_factory, learner, other_learner, user_factory
):
    cohort = cohort_factory()
    third = user_factory()
    enrol(cohort, learner, other_learner, third)
    past = make_assignment(cohort, "past", due_in_days=-1)
    make_assignment(cohort, "future", due_in_days=5)
    make_submission(past, learner, score=D(10))
    Extension.objects.create(
        assignment=past, user=third, due_at=timezone.now() + dt.timedelta(days=2)
    )

    gradebook = cohort_gradebook(cohort=cohort)

    assert row_of(gradebook, learner).total == D("100.00")
    missing, not_yet_due = row_of(gradebook, other_learner).cells
    assert missing.missing and missing.ratio == 0
    assert not not_yet_due.missing and not_yet_due.ratio is None
    assert row_of(gradebook, other_learner).total == D("0.00")
    # Extended past today: nothing counts for them yet.
    assert row_of(gradebook, third).total is None


@pytest.mark.parametrize(
    "status", [Status.RECEIVED, Status.GRADING, Status.MANUAL, Status.FAILED]
)
def test_attempts_without_a_final_score_are_left_out_of_the_total(
    cohort_factory, learner, status
):
    cohort = cohort_factory()
    enrol(cohort, learner)
    scored = make_assignment(cohort, "ps1", weight=1)
    pending = make_assignment(cohort, "ps2", weight=1)
    make_submission(scored, learner, score=D(6))
    make_submission(pending, learner, status=status)

    row = row_of(cohort_gradebook(cohort=cohort), learner)

    assert row.cells[1].ratio is None
    assert row.total == D("60.00")


def test_the_gradebook_lists_seat_holders_and_submitters_but_not_applicants(
    cohort_factory, learner, other_learner, user_factory
):
    cohort = cohort_factory()
    applicant, withdrawn = user_factory(), user_factory()
    enrol(cohort, learner)
    enrol(cohort, applicant, status=Enrollment.Status.APPLIED)
    enrol(cohort, withdrawn, status=Enrollment.Status.WITHDRAWN)
    make_submission(make_assignment(cohort), withdrawn)

    people = [r.learner for r in cohort_gradebook(cohort=cohort).rows]

    assert set(people) == {learner, withdrawn}
    assert other_learner not in people and applicant not in people


def test_an_unreleased_assignment_never_counts_as_missing(cohort_factory, learner):
    cohort = cohort_factory()
    enrol(cohort, learner)
    draft = make_assignment(cohort, "draft")
    Assignment.objects.filter(pk=draft.pk).update(release_at=None)

    row = row_of(cohort_gradebook(cohort=cohort), learner)

    assert row.cells[0].ratio is None and row.total is None


def test_progress_counts_the_attempts_that_count_and_all_of_them(
    cohort_factory, learner, other_learner
):
    assignment = make_assignment(cohort_factory())
    make_submission(assignment, learner, attempt=1, status=Status.FAILED)
    make_submission(assignment, learner, attempt=2, status=Status.RECEIVED)
    make_submission(assignment, other_learner, status=Status.MANUAL)

    progress = assignment_progress(assignment=assignment)

    assert progress.counted == {
        "received": 1,
        "grading": 0,
        "graded": 0,
        "manual": 1,
        "failed": 0,
    }
    assert progress.everything["failed"] == 1 and progress.total == 3
    assert (progress.done, progress.percent, progress.busy) == (2, 67, True)


def test_progress_is_complete_when_nothing_waits(cohort_factory, learner):
    assignment = make_assignment(cohort_factory())
    make_submission(assignment, learner)

    progress = assignment_progress(assignment=assignment).as_dict()

    assert progress["percent"] == 100 and progress["busy"] is False


def test_submission_counts_only_for_the_last_attempt(cohort_factory, learner):
    assignment = make_assignment(cohort_factory())
    first = make_submission(assignment, learner, attempt=1)
    last = make_submission(assignment, learner, attempt=2)

    assert not submission_counts(submission=first)
    assert submission_counts(submission=last)
