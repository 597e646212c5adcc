"""Where each person stands against a cohort's completion rule and a track's
completion policy. The definitions are in docs/completion.md; the services
(``courses.services.completion``) act on what these return.

The weighted grade reuses the cohort gradebook (``cohort_gradebook``) and adds
one rule of its own: once the learner's due date has passed, an attempt that
is not graded (failed, still being graded, waiting for a person) counts 0 like
a missing one, where the gradebook leaves it out.
"""

import datetime as dt
import decimal
from dataclasses import dataclass, field

from django.utils import timezone

from courses.models import (
    Assignment,
    Cohort,
    Completion,
    CoursePage,
    Enrollment,
    Submission,
    TrackPage,
)

from .gradebook import GradeCell, _weighted_total, cohort_gradebook
from .permissions import cohorts_manageable_by

Status = Enrollment.Status
# Enrolments that can pass: holding a seat now, or passed already.
CAN_PASS = (Status.ENROLLED, Status.COMPLETED)


@dataclass(frozen=True)
class Standing:
    """One enrolment against its cohort's completion rule."""

    enrollment: Enrollment
    grade: decimal.Decimal | None  # weighted, in percent; None: nothing counts
    pass_mark: decimal.Decimal
    done: int  # released assignments with a graded counted attempt
    released: int  # released assignments
    missing_required: list[Assignment] = field(default_factory=list)
    needs_attendance: bool = False
    # Assignments whose outcome can still change with time alone: unreleased,
    # or neither graded nor past the learner's due date.
    open: int = 0

    @property
    def meets_grade(self) -> bool:
        if self.grade is None:
            return self.pass_mark == 0
        return self.grade >= self.pass_mark

    @property
    def passes(self) -> bool:
        """The cohort's rule, exactly as docs/completion.md states it."""
        return (
            self.enrollment.status in CAN_PASS
            and self.meets_grade
            and not self.missing_required
            and not self.needs_attendance
        )

    @property
    def settled(self) -> bool:
        """Nothing left that time alone could change: the rule may issue."""
        return self.open == 0

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.released) if self.released else 0


def _graded(submission: Submission | None) -> bool:
    return submission is not None and submission.status == Submission.Status.GRADED


def _past_due(cell: GradeCell, now: dt.datetime) -> bool:
    return cell.due is not None and cell.due <= now


def _counting(cells: list[GradeCell], now: dt.datetime) -> list[GradeCell]:
    """Released assignments' cells, an ungraded attempt past due made 0."""
    counting = []
    for cell in cells:
        if not cell.assignment.is_released(now):
            continue
        if cell.ratio is None and _past_due(cell, now):
            cell = GradeCell(cell.assignment, cell.submission, decimal.Decimal(0))
        counting.append(cell)
    return counting


def _is_open(cell: GradeCell, now: dt.datetime) -> bool:
    if not cell.assignment.is_released(now):
        return True
    return not _graded(cell.submission) and not _past_due(cell, now)


def _standing(enrollment: Enrollment, cells: list[GradeCell], now) -> Standing:
    cohort = enrollment.cohort
    counting = _counting(cells, now)
    return Standing(
        enrollment=enrollment,
        grade=_weighted_total(counting),
        pass_mark=cohort.pass_mark,
        done=sum(_graded(c.submission) for c in counting),
        released=len(counting),
        missing_required=[
            c.assignment
            for c in cells
            if c.assignment.required and not _graded(c.submission)
        ],
        needs_attendance=cohort.attendance_required and not enrollment.attended,
        open=sum(_is_open(c, now) for c in cells),
    )


def cohort_standings(*, cohort: Cohort, users=None) -> list[Standing]:
    """Each enrolment that can pass (or holds a completion), against the rule;
    ``users``: only these people."""
    enrollments = cohort.enrollments.filter(status__in=CAN_PASS).select_related(
        "user", "cohort"
    )
    if users is not None:
        enrollments = enrollments.filter(user__in=users)
    enrollments = list(enrollments.order_by("user__full_name", "user__email"))
    people = [e.user_id for e in enrollments]
    gradebook = cohort_gradebook(cohort=cohort, users=people)
    cells = {row.learner.pk: row.cells for row in gradebook.rows}
    now = timezone.now()
    return [_standing(e, cells.get(e.user_id, []), now) for e in enrollments]


def enrollment_standing(*, enrollment: Enrollment) -> Standing:
    """One enrolment against its cohort's rule (any status)."""
    gradebook = cohort_gradebook(cohort=enrollment.cohort, users=[enrollment.user_id])
    row = next((r for r in gradebook.rows if r.learner.pk == enrollment.user_id), None)
    if row is None:  # not a learner of the cohort (any more): nothing counts
        assignments = gradebook.assignments
        cells = [GradeCell(a, None, None, a.due_at) for a in assignments]
    else:
        cells = row.cells
    return _standing(enrollment, cells, timezone.now())


# Tracks ------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackStanding:
    """One person against a track's completion policy."""

    track: TrackPage
    passed: int  # courses that count towards the policy, passed
    needed: int
    fulfilling: Completion | None  # the pass that completed the track, if any

    @property
    def met(self) -> bool:
        return self.fulfilling is not None

    @property
    def shown(self) -> int:
        """Courses passed, up to the number needed (for a progress bar)."""
        return min(self.passed, self.needed)


def track_of(course: CoursePage) -> TrackPage:
    """The (default-language) track a default-language course belongs to."""
    return TrackPage.objects.ancestor_of(course).get()


def track_courses(*, track: TrackPage) -> list[CoursePage]:
    """The published courses of a track, in the track's (default) language."""
    return list(CoursePage.objects.child_of(track).live().order_by("path"))


def _first_passes(user, courses: list[CoursePage]) -> dict[int, Completion]:
    """Each course's earliest valid completion of ``user``, by course id."""
    passes = (
        Completion.objects.filter(
            user=user, revoked_at__isnull=True, cohort__course__in=courses
        )
        .select_related("cohort")
        .order_by("passed_at", "pk")
    )
    first: dict[int, Completion] = {}
    for completion in passes:
        first.setdefault(completion.cohort.course_id, completion)
    return first


def track_standing(*, user, track: TrackPage) -> TrackStanding:
    """How far ``user`` is through ``track``'s policy, and the pass that met it."""
    courses = track_courses(track=track)
    first = _first_passes(user, courses)
    if track.completion_policy == TrackPage.CompletionPolicy.ALL_REQUIRED:
        required = [c.pk for c in courses if c.required_for_track]
        done = [first[pk] for pk in required if pk in first]
        needed = len(required)
        met = needed > 0 and len(done) == needed
        fulfilling = max(done, key=lambda c: (c.passed_at, c.pk)) if met else None
        return TrackStanding(track, len(done), needed, fulfilling)
    done = sorted(first.values(), key=lambda c: (c.passed_at, c.pk))
    needed = max(1, track.courses_needed)
    fulfilling = done[needed - 1] if len(done) >= needed else None
    return TrackStanding(track, len(done), needed, fulfilling)


# Staff -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CompletionRow:
    """A line of the cohort's completion roster."""

    standing: Standing
    completion: Completion | None  # valid or revoked; None if never passed


def cohort_completion_roster(*, cohort: Cohort) -> list[CompletionRow]:
    """Every enrolment that can pass, where it stands and its completion."""
    completions = {
        c.enrollment_id: c
        for c in Completion.objects.filter(cohort=cohort).select_related(
            "issued_by", "revoked_by"
        )
    }
    return [
        CompletionRow(standing, completions.get(standing.enrollment.pk))
        for standing in cohort_standings(cohort=cohort)
    ]


def completions_manageable_by(user):
    """Completions of the cohorts ``user`` manages."""
    cohorts = cohorts_manageable_by(user).values("pk")
    return Completion.objects.filter(cohort__in=cohorts)
