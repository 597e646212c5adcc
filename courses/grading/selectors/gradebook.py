"""Reads for grading in the admin: progress of an assignment, the cohort gradebook.

The attempt that counts is each learner's last one, exactly as feedback release
picks it (``counted_submissions``), so the gradebook and the released feedback
always speak of the same attempt.
"""

import datetime as dt
import decimal
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from courses.enrollment.models import Cohort, Enrollment
from courses.grading.models import (
    Assignment,
    Extension,
    Submission,
)

Status = Submission.Status
DONE = (Status.GRADED, Status.MANUAL, Status.FAILED)
BUSY = (Status.RECEIVED, Status.GRADING)
HUNDRED = decimal.Decimal(100)
CENT = decimal.Decimal("0.01")


@dataclass(frozen=True)
class GradingProgress:
    """Submissions of one assignment by status: attempts that count, and all."""

    counted: dict[str, int]
    everything: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.everything.values())

    @property
    def done(self) -> int:
        return sum(self.everything[s] for s in DONE)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

    @property
    def busy(self) -> bool:
        return any(self.everything[s] for s in BUSY)

    def table(self) -> list[tuple[str, str, int, int]]:
        """(status, label, counted, all) for each status, in workflow order."""
        return [
            (value, label, self.counted[value], self.everything[value])
            for value, label in Status.choices
        ]

    def as_dict(self) -> dict:
        return {
            "counted": self.counted,
            "all": self.everything,
            "total": self.total,
            "done": self.done,
            "percent": self.percent,
            "busy": self.busy,
        }


def _counted(assignment: Assignment, users=None) -> list[Submission]:

    return counted_submissions(assignment=assignment, users=users)


def _by_status(statuses) -> dict[str, int]:
    counts = Counter(statuses)
    return {status: counts.get(status, 0) for status in Status.values}


def assignment_progress(*, assignment: Assignment) -> GradingProgress:
    """How far grading has come, by status, for the counted and all attempts."""
    rows = (
        Submission.objects.filter(assignment=assignment)
        .values("status")
        .annotate(n=Count("pk"))
    )
    everything = Counter({row["status"]: row["n"] for row in rows})
    counted = [s.status for s in _counted(assignment)]
    return GradingProgress(
        counted=_by_status(counted), everything=_by_status(everything.elements())
    )


def assignment_counted_attempts(*, assignment: Assignment) -> list[Submission]:
    """Each learner's attempt that counts, by learner name."""
    attempts = _counted(assignment)
    return sorted(attempts, key=lambda s: (s.user.full_name, s.user.email))


def assignment_extensions(*, assignment: Assignment) -> QuerySet[Extension]:
    """The extensions granted on an assignment, by learner name."""
    return assignment.extensions.select_related("user", "granted_by").order_by(
        "user__full_name", "user__email"
    )


def submission_counts(*, submission: Submission) -> bool:
    """Whether this is its learner's attempt that counts (the last)."""
    counted = _counted(submission.assignment, users=[submission.user_id])
    return any(s.pk == submission.pk for s in counted)


def cohort_learners(*, cohort: Cohort) -> QuerySet:
    """People holding (or having held to the end) a seat in the cohort."""
    seats = Enrollment.objects.filter(
        cohort=cohort, status__in=Enrollment.SEAT_HOLDING
    ).values("user")
    return get_user_model().objects.filter(pk__in=seats).order_by("full_name", "email")


# The gradebook -------------------------------------------------------------------


@dataclass(frozen=True)
class GradeCell:
    """One learner's standing on one assignment."""

    assignment: Assignment
    submission: Submission | None
    # Share of the points kept (final / max) when it counts in the total, or
    # None when it is left out: not yet due, not yet scored.
    ratio: decimal.Decimal | None
    due: dt.datetime | None = None  # the learner's, extension included

    @property
    def missing(self) -> bool:
        """Not submitted, and counted as 0 because the due date has passed."""
        return self.submission is None and self.ratio is not None


@dataclass(frozen=True)
class GradebookRow:
    learner: object
    cells: list[GradeCell]
    total: decimal.Decimal | None  # weighted percent, None when nothing counts


@dataclass(frozen=True)
class Gradebook:
    cohort: Cohort
    assignments: list[Assignment]
    rows: list[GradebookRow]


def _ratio(cell_of: Assignment, submission, due: dt.datetime | None, now):
    if submission is None:
        past_due = cell_of.is_released(now) and due is not None and due <= now
        return decimal.Decimal(0) if past_due else None
    if not submission.is_scored or not submission.max_score:
        return None
    return submission.final_score / submission.max_score


def _weighted_total(cells: list[GradeCell]) -> decimal.Decimal | None:
    counted = [c for c in cells if c.ratio is not None]
    weights = sum((c.assignment.weight for c in counted), decimal.Decimal(0))
    if not weights:
        return None
    points = sum(c.assignment.weight * c.ratio for c in counted)
    return (HUNDRED * points / weights).quantize(CENT)


def cohort_gradebook(*, cohort: Cohort, users=None) -> Gradebook:
    """Learners × assignments: each counted attempt, and a weighted total.

    The total is sum(weight × final / max) / sum(weight), in percent, over the
    assignments that count for the learner: scored attempts, and missing ones
    (as 0) once a released assignment's due date for the learner, extension
    included, has passed. ``users``: only these learners' rows (ids or people).
    """
    assignments = list(cohort.assignments.order_by("due_at", "name"))
    attempts = {
        (s.assignment_id, s.user_id): s
        for a in assignments
        for s in _counted(a, users=users)
    }
    extended = {
        (e.assignment_id, e.user_id): e.due_at
        for e in Extension.objects.filter(assignment__cohort=cohort)
    }
    submitters = {user_id for _a, user_id in attempts}
    learners = get_user_model().objects.filter(
        Q(pk__in=cohort_learners(cohort=cohort).values("pk")) | Q(pk__in=submitters)
    )
    if users is not None:
        learners = learners.filter(pk__in=users)
    now, rows = timezone.now(), []
    for learner in learners.order_by("full_name", "email"):
        cells = []
        for a in assignments:
            submission = attempts.get((a.pk, learner.pk))
            due = extended.get((a.pk, learner.pk), a.due_at)
            ratio = _ratio(a, submission, due, now)
            cells.append(GradeCell(a, submission, ratio, due))
        rows.append(GradebookRow(learner, cells, _weighted_total(cells)))
    return Gradebook(cohort=cohort, assignments=assignments, rows=rows)


def counted_submissions(*, assignment: Assignment, users=None):
    """Each learner's last attempt: the one that counts."""
    latest = Submission.objects.filter(assignment=assignment)
    if users is not None:
        latest = latest.filter(user__in=users)
    last = latest.values("user").annotate(attempt=Max("attempt"))
    pairs = {(row["user"], row["attempt"]) for row in last}
    return [s for s in latest.select_related("user") if (s.user_id, s.attempt) in pairs]
