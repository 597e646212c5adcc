"""Helpers for the completion and certificate tests: records made with the ORM,
as the grader leaves them (no kernels).

- ``enrol(cohort, user, status=...)``: an Enrollment.
- ``make_assignment(cohort, name, due_in_days=-1, weight=1, required=False)``: a
  released assignment, due ``due_in_days`` from now (past when negative).
- ``make_submission(assignment, user, score=8, max_score=10, status=GRADED)``:
  an attempt with one graded question (``nb``/``q1``) holding the score.
- ``passing(cohort, user, score=8)``: enrolled, one assignment past due scored.
"""

import datetime as dt
import decimal

from django.utils import timezone

from courses.models import Assignment, Enrollment, Submission, SubmissionScore

D = decimal.Decimal
Status = Submission.Status


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
