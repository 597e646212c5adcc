"""Helpers for the completion and certificate tests: records made with the ORM,
as the grader leaves them (no kernels).

- ``enrol(cohort, user, status=...)``: an Enrollment.
- ``make_assignment(cohort, name, due_in_days=-1, weight=1, required=False)``: a
  released assignment, due ``due_in_days`` from now (past when negative).
- ``make_submission(assignment, user, score=8, max_score=10, status=GRADED)``:
  an attempt with one graded question (``nb``/``q1``) holding the score.
- ``passing(cohort, user, score=8)``: enrolled, one assignment past due scored.
- ``ended(days_ago=1)`` / ``running(started_days_ago=30)`` / ``upcoming()``:
  cohort fields (for ``cohort_factory(**ended())``): its dates, with an
  enrolment window that closed before it ended. Completion is decided only
  after a cohort starts, so the rule's tests need one of these.
- ``closed(cohort, name)``: a released assignment that refuses late work, due
  yesterday: graded, it lets a running cohort's standing be decided early.
"""

import datetime as dt
import decimal

from django.utils import timezone

from courses.enrollment.models import Enrollment
from courses.grading.models import Assignment, Submission, SubmissionScore

D = decimal.Decimal
Status = Submission.Status


def _cohort_dates(starts: dt.date, ends: dt.date) -> dict:
    now = timezone.now()
    closes = min(now, timezone.make_aware(dt.datetime.combine(ends, dt.time.min)))
    return {
        "starts_on": starts,
        "ends_on": ends,
        "enrollment_opens_at": closes - dt.timedelta(days=40),
        "enrollment_closes_at": closes - dt.timedelta(days=1),
    }


def ended(*, days_ago: int = 1, length: int = 60) -> dict:
    """A cohort whose last day was ``days_ago`` days ago (Seoul)."""
    ends = timezone.localdate() - dt.timedelta(days=days_ago)
    return _cohort_dates(ends - dt.timedelta(days=length), ends)


def running(*, started_days_ago: int = 30, ends_in_days: int = 30) -> dict:
    """A cohort that started ``started_days_ago`` days ago and is still on."""
    today = timezone.localdate()
    return _cohort_dates(
        today - dt.timedelta(days=started_days_ago),
        today + dt.timedelta(days=ends_in_days),
    )


def upcoming(*, starts_in_days: int = 30, length: int = 60) -> dict:
    """A cohort that has not started; its enrolment window is open."""
    starts = timezone.localdate() + dt.timedelta(days=starts_in_days)
    now = timezone.now()
    return {
        "starts_on": starts,
        "ends_on": starts + dt.timedelta(days=length),
        "enrollment_opens_at": now - dt.timedelta(days=1),
        "enrollment_closes_at": now + dt.timedelta(days=starts_in_days - 1),
    }


def closed(cohort, name="ps1", **fields) -> Assignment:
    """Released, refusing late work, due yesterday: it can no longer change."""
    fields.setdefault("late_policy", Assignment.LatePolicy.REFUSE)
    return make_assignment(cohort, name, due_in_days=-1, **fields)


def enrol(cohort, user, status=Enrollment.Status.ENROLLED) -> Enrollment:
    return Enrollment.objects.create(user=user, cohort=cohort, status=status)


def make_assignment(
    cohort, name="ps1", *, due_in_days=-1, weight=1, required=False, **fields
) -> Assignment:
    now = timezone.now()
    due = now + dt.timedelta(days=due_in_days)
    return Assignment.objects.create(
        cohort=cohort,
        name=name,
        title=name.upper(),
        state=Assignment.State.READY,
        release_at=min(due, now) - dt.timedelta(days=7),
        due_at=due,
        weight=weight,
        required=required,
        **fields,
    )


def make_submission(
    assignment, user, *, score=8, max_score=10, status=Status.GRADED, attempt=1
) -> Submission:
    scored = status in (Status.GRADED, Status.MANUAL)
    submission = Submission.objects.create(
        assignment=assignment,
        user=user,
        attempt=attempt,
        submitted_at=timezone.now() - dt.timedelta(days=8, hours=-attempt),
        source=Submission.Source.LAB,
        status=status,
        score=D(score) if scored else None,
        max_score=D(max_score) if scored else None,
    )
    SubmissionScore.objects.create(
        submission=submission,
        notebook="nb",
        cell="q1",
        cell_type="code",
        score=D(score) if scored else None,
        max_score=D(max_score),
        needs_manual_grade=status == Status.MANUAL,
    )
    return submission


def passing(cohort, user, *, score=8) -> Enrollment:
    enrollment = enrol(cohort, user)
    assignment = cohort.assignments.first() or make_assignment(cohort)
    make_submission(assignment, user, score=score)
    return enrollment
