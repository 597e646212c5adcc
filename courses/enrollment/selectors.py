"""Cohorts with their seats, as the catalogue and the admin show them."""

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from courses.enrollment.models import Cohort, Enrollment

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


Status = Enrollment.Status


def with_waitlist_position(queryset: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    """Annotate ``waitlist_position`` (1 = next to get a seat; None if not waiting)."""
    ahead = (
        Enrollment.objects.filter(cohort=OuterRef("cohort"), status=Status.WAITLISTED)
        .filter(
            Q(waitlisted_at__lt=OuterRef("waitlisted_at"))
            | Q(waitlisted_at=OuterRef("waitlisted_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("cohort")
        .annotate(n=Count("pk"))
        .values("n")
    )
    position = Coalesce(Subquery(ahead, output_field=IntegerField()), Value(0)) + 1
    return queryset.annotate(
        waitlist_position=Case(
            When(status=Status.WAITLISTED, then=position),
            default=None,
            output_field=IntegerField(),
        )
    )


def enrollments_of_user_in(*, user, cohorts: list[Cohort]) -> dict[int, Enrollment]:
    """The user's enrolments in ``cohorts``, keyed by cohort id."""
    if not user.is_authenticated or not cohorts:
        return {}
    mine = with_waitlist_position(
        Enrollment.objects.filter(user=user, cohort__in=[c.pk for c in cohorts])
    )
    return {enrollment.cohort_id: enrollment for enrollment in mine}


def my_learning(*, user) -> list[Enrollment]:
    """Everything ``user`` applied to or joined, newest cohorts first."""
    return list(
        with_waitlist_position(Enrollment.objects.filter(user=user))
        .select_related("cohort", "cohort__course", "cohort__institution")
        .order_by("-cohort__starts_on", "-pk")
    )


def enrollment_of_user(*, user, enrollment_id: int) -> Enrollment | None:
    """``user``'s own enrolment with that id; None for anyone else's."""
    return (
        Enrollment.objects.select_related("cohort")
        .filter(pk=enrollment_id, user=user)
        .first()
    )


def cohorts_taught_by(*, user) -> list[Cohort]:
    """The cohorts ``user`` teaches that have not ended, soonest first."""
    return list(
        user.taught_cohorts.filter(
            ends_on__gte=timezone.localdate(timezone=timezone.get_default_timezone())
        )
        .select_related("course", "institution")
        .order_by("starts_on", "pk")
    )
