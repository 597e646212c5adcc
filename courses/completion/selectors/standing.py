"""Where each person stands against a cohort's completion rule and a track's
completion policy. The definitions are in docs/completion.md; the services
(``courses.services.completion``) act on what these return.

The rule (issue 13): every assignment with a weight counts, released or not;
one without a graded attempt counts 0 once the learner's due date has passed
or the cohort has ended. A standing is *decided* only when time alone can no
longer change it; the rule issues a completion only when it passes and is
decided.
"""

import datetime as dt
import decimal
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from courses.enrollment.models import Cohort, Enrollment
from courses.grading.models import Assignment, Submission
from courses.grading.selectors.gradebook import GradeCell, cohort_gradebook
from courses.lab.models import LabActivity

Status = Enrollment.Status
# Enrolments that can pass: holding a seat now, or passed already.
CAN_PASS = (Status.ENROLLED, Status.COMPLETED)
HUNDRED = decimal.Decimal(100)
CENT = decimal.Decimal("0.01")


def _seoul() -> zoneinfo.ZoneInfo:
    # Cohort days are the programme's days, whatever time zone a request uses.
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def cohort_starts_at(cohort: Cohort) -> dt.datetime:
    """The first moment of the cohort: midnight of starts_on in Asia/Seoul."""
    return dt.datetime.combine(cohort.starts_on, dt.time.min, tzinfo=_seoul())


def cohort_ends_at(cohort: Cohort) -> dt.datetime:
    """The moment the cohort is over: midnight after ends_on in Asia/Seoul."""
    day_after = cohort.ends_on + dt.timedelta(days=1)
    return dt.datetime.combine(day_after, dt.time.min, tzinfo=_seoul())


@dataclass(frozen=True)
class Standing:
    """One enrolment against its cohort's completion rule."""

    enrollment: Enrollment
    grade: decimal.Decimal | None  # weighted, in percent; None: nothing counts yet
    pass_mark: decimal.Decimal
    done: int  # counting assignments with a graded attempt
    released: int  # counting assignments released
    counting: int = 0  # assignments with a weight: the whole grade
    missing_required: list[Assignment] = field(default_factory=list)
    below_minimum: list[Assignment] = field(default_factory=list)
    needs_attendance: bool = False
    needs_lab: bool = False
    # Counting assignments whose outcome can still change with time alone:
    # without a graded attempt and neither past due nor past the cohort's end.
    open: int = 0
    # Counting or required assignments whose last attempt is not graded yet
    # (received, grading, by hand, failed): nothing is decided meanwhile.
    ungraded: list[Assignment] = field(default_factory=list)
    started: bool = True
    ended: bool = False
    early: bool = False  # every counting assignment graded and closed for good

    @property
    def meets_grade(self) -> bool:
        # Nothing counts (no assignment has a weight): attendance or lab
        # activity decide where the cohort asks for them; otherwise only a
        # pass mark of 0 lets people pass, so a cohort left without work does
        # not pass everyone. The roster warns about it.
        if self.counting == 0:
            cohort = self.enrollment.cohort
            required = cohort.attendance_required or cohort.lab_required
            return required or self.pass_mark == 0
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
            and not self.below_minimum
            and not self.needs_attendance
            and not self.needs_lab
        )

    @property
    def decided(self) -> bool:
        """Nothing left that time alone could change: the rule may issue."""
        if not self.started or self.ungraded:
            return False
        return self.ended or self.early

    @property
    def settled(self) -> bool:  # the name the learner's page uses
        return self.decided

    @property
    def issuable(self) -> bool:
        """The rule issues a completion: it passes and is decided."""
        return self.passes and self.decided

    @property
    def confirmable(self) -> bool:
        """Passes so far but not decided: an instructor may confirm it early."""
        return self.passes and not self.decided and self.started

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.counting) if self.counting else 0


def _graded(submission: Submission | None) -> bool:
    return submission is not None and submission.status == Submission.Status.GRADED


def _ratio(submission: Submission | None) -> decimal.Decimal | None:
    """The share of points kept by a graded attempt; None without one."""
    if not _graded(submission) or submission.score is None:
        return None
    if not submission.max_score:
        return None
    return submission.final_score / submission.max_score


def _past_due(cell: GradeCell, now: dt.datetime) -> bool:
    return cell.due is not None and cell.due <= now


def _closed_early(cell: GradeCell, now: dt.datetime) -> bool:
    """Graded, and no later attempt can come: late work refused, due passed."""
    assignment = cell.assignment
    return (
        assignment.is_released(now)
        and _ratio(cell.submission) is not None
        and assignment.late_policy == Assignment.LatePolicy.REFUSE
        and _past_due(cell, now)
    )


def _weighted(cells: list[GradeCell], ended: bool, now) -> decimal.Decimal | None:
    """sum(weight * ratio) / sum(weight), in percent, over the counting cells
    that count now: graded ones, and (as 0) those past due or past the end."""
    weights = points = decimal.Decimal(0)
    for cell in cells:
        ratio = _ratio(cell.submission)
        if ratio is None and (ended or _past_due(cell, now)):
            ratio = decimal.Decimal(0)
        if ratio is not None:
            weights += cell.assignment.weight
            points += cell.assignment.weight * ratio
    if not weights:
        return None
    return (HUNDRED * points / weights).quantize(CENT)


def _is_open(cell: GradeCell, ended: bool, now: dt.datetime) -> bool:
    return _ratio(cell.submission) is None and not ended and not _past_due(cell, now)


def _pending(submission: Submission | None) -> bool:
    return submission is not None and submission.status != Submission.Status.GRADED


def _below(cell: GradeCell, minimum: decimal.Decimal | None) -> bool:
    ratio = _ratio(cell.submission)
    return minimum is not None and ratio is not None and ratio * HUNDRED < minimum


@dataclass(frozen=True)
class _CohortClock:
    now: dt.datetime
    started: bool
    ended: bool
    lab_since: dt.datetime

    @classmethod
    def of(cls, cohort: Cohort) -> "_CohortClock":
        now, start = timezone.now(), cohort_starts_at(cohort)
        return cls(now, start <= now, cohort_ends_at(cohort) <= now, start)


def _standing(
    enrollment: Enrollment, cells: list[GradeCell], clock: _CohortClock, lab: bool
) -> Standing:
    cohort, now, ended = enrollment.cohort, clock.now, clock.ended
    counting = [c for c in cells if c.assignment.weight > 0]
    required = [c for c in cells if c.assignment.required]
    return Standing(
        enrollment=enrollment,
        grade=_weighted(counting, ended, now),
        pass_mark=cohort.pass_mark,
        done=sum(_ratio(c.submission) is not None for c in counting),
        released=sum(c.assignment.is_released(now) for c in counting),
        counting=len(counting),
        missing_required=[c.assignment for c in required if not _graded(c.submission)],
        below_minimum=[
            c.assignment for c in required if _below(c, cohort.required_minimum)
        ],
        needs_attendance=cohort.attendance_required and not enrollment.attended,
        needs_lab=cohort.lab_required and not lab,
        open=sum(_is_open(c, ended, now) for c in counting),
        ungraded=list(
            {
                c.assignment.pk: c.assignment
                for c in counting + required
                if _pending(c.submission)
            }.values()
        ),
        started=clock.started,
        ended=ended,
        early=bool(counting) and all(_closed_early(c, now) for c in counting),
    )


def _lab_users(cohort: Cohort, since: dt.datetime, users) -> set[int]:
    """Who used the lab since the cohort started (only if the rule asks)."""
    if not cohort.lab_required:
        return set()
    active = LabActivity.objects.filter(last_active_at__gte=since, user__in=users)
    return set(active.values_list("user_id", flat=True))


def _cells(gradebook, enrollments) -> dict[int, list[GradeCell]]:
    rows = {row.learner.pk: row.cells for row in gradebook.rows}
    blank = [GradeCell(a, None, None, a.due_at) for a in gradebook.assignments]
    return {e.user_id: rows.get(e.user_id, blank) for e in enrollments}


def _standings(cohort: Cohort, enrollments: list[Enrollment]) -> list[Standing]:
    people = [e.user_id for e in enrollments]
    gradebook = cohort_gradebook(cohort=cohort, users=people)
    cells = _cells(gradebook, enrollments)
    clock = _CohortClock.of(cohort)
    lab = _lab_users(cohort, clock.lab_since, people)
    return [
        _standing(e, cells[e.user_id], clock, e.user_id in lab) for e in enrollments
    ]


def cohort_standings(*, cohort: Cohort, users=None) -> list[Standing]:
    """Each enrolment that can pass, against the rule; ``users``: only these."""
    enrollments = cohort.enrollments.filter(status__in=CAN_PASS).select_related(
        "user", "cohort"
    )
    if users is not None:
        enrollments = enrollments.filter(user__in=users)
    enrollments = list(enrollments.order_by("user__full_name", "user__email"))
    return _standings(cohort, enrollments)


def enrollment_standing(*, enrollment: Enrollment) -> Standing:
    """One enrolment against its cohort's rule (any status)."""
    return _standings(enrollment.cohort, [enrollment])[0]
