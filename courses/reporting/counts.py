"""Trained talents counted by year, track and institution on the city's clock,
each in one aggregate query over valid track completions."""

import datetime as dt

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Cast, ExtractYear
from django.utils import timezone

from courses.reporting.forecast import TIME_ZONE

PACE_DAYS = 365


def _year_of(field: str):
    # As an integer: PostgreSQL's EXTRACT gives numeric, slower to group by.
    return Cast(ExtractYear(field, tzinfo=TIME_ZONE), IntegerField())


def _pace_since() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=PACE_DAYS)


def _before() -> Q:
    """Completions before the outer one: earlier, or at the same moment with a
    smaller id, so exactly one is each person's first and counting rows counts
    people (no DISTINCT, no sort)."""
    return Q(completed_at__lt=OuterRef("completed_at")) | Q(
        completed_at=OuterRef("completed_at"), pk__lt=OuterRef("pk")
    )


def _by_first_year(completions: QuerySet) -> dict[int, tuple[int, int]]:
    """People by the year of their first valid track completion (of those
    filtered): year → (people, of whom in the last 12 months)."""
    earlier = completions.filter(_before(), user=OuterRef("user"))
    rows = (
        completions.filter(~Exists(earlier))
        .annotate(year=_year_of("completed_at"))
        .values("year")
        .annotate(
            people=Count("id"),
            recent=Count("id", filter=Q(completed_at__gte=_pace_since())),
        )
        .order_by()
    )
    return {r["year"]: (r["people"], r["recent"]) for r in rows}


def _by_track_and_year(completions: QuerySet) -> dict[tuple, tuple[int, int]]:
    """(track, year) → (people, of whom in the last 12 months): one completion
    per person and track, so a person counts once in each track."""
    rows = (
        completions.annotate(year=_year_of("completed_at"))
        .values("track", "year")
        .annotate(
            people=Count("id"),
            recent=Count("id", filter=Q(completed_at__gte=_pace_since())),
        )
        .order_by()
    )
    return {(r["track"], r["year"]): (r["people"], r["recent"]) for r in rows}


def _by_institution_and_year(completions: QuerySet) -> dict[tuple, int]:
    """(institution, year) → people, each in the year of their first valid track
    completion at that institution."""
    earlier_here = completions.filter(
        _before(), user=OuterRef("user"), institution=OuterRef("institution")
    )
    rows = (
        completions.filter(~Exists(earlier_here))
        .annotate(year=_year_of("completed_at"))
        .values("institution", "year")
        .annotate(people=Count("id"))
        .order_by()
    )
    return {(r["institution"], r["year"]): r["people"] for r in rows}
