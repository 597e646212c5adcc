"""Cohorts with their seats, as the catalogue and the admin show them."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from courses.models import Cohort, Enrollment

Status = Enrollment.Status


def cohorts_with_seats(queryset: QuerySet[Cohort] | None = None) -> QuerySet[Cohort]:
    """Annotate ``taken`` (seats held) and ``waiting`` (waitlist length)."""
    queryset = Cohort.objects.all() if queryset is None else queryset
    return queryset.annotate(
        taken=Count(
            "enrollments", filter=Q(enrollments__status__in=Enrollment.SEAT_HOLDING)
        ),
        waiting=Count("enrollments", filter=Q(enrollments__status=Status.WAITLISTED)),
    )


@dataclass(frozen=True)
class CohortState:
    """What a visitor can do with a cohort right now."""

    key: str  # cancelled | upcoming | open | full | closed
    seats_left: int

    @property
    def joinable(self) -> bool:
        return self.key in ("open", "full")


def cohort_state(cohort: Cohort, now=None) -> CohortState:
    """The state of a cohort annotated by ``cohorts_with_seats``."""
    now = now or timezone.now()
    seats_left = max(0, cohort.seats - cohort.taken)
    if cohort.is_cancelled:
        key = "cancelled"
    elif now < cohort.enrollment_opens_at:
        key = "upcoming"
    elif now >= cohort.enrollment_closes_at:
        key = "closed"
    else:
        key = "open" if seats_left else "full"
    return CohortState(key=key, seats_left=seats_left)


def next_window_change(now=None):
    """The next moment a cohort's enrolment opens or closes (for cache expiry)."""
    now = now or timezone.now()
    live = Cohort.objects.filter(is_cancelled=False)
    opens = live.filter(enrollment_opens_at__gt=now).order_by("enrollment_opens_at")
    closes = live.filter(enrollment_closes_at__gt=now).order_by("enrollment_closes_at")
    moments = [
        opens.values_list("enrollment_opens_at", flat=True).first(),
        closes.values_list("enrollment_closes_at", flat=True).first(),
    ]
    moments = [m for m in moments if m is not None]
    return min(moments) if moments else None
