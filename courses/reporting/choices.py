"""What the dashboard and the reporting API let a person filter by: the years,
tracks and institutions in their scope."""

from collections.abc import Collection

from django.db.models import (
    Max,
    Min,
)
from django.utils import timezone

from courses.completion.models import TrackCompletion
from courses.core.permissions import institutions_of
from courses.enrollment.models import Cohort
from courses.reporting.forecast import TIME_ZONE, this_year
from courses.reporting.pipeline import _institutions, _programme, _tracks


def dashboard_scope_of(user) -> list[int] | None:
    """Institution ids whose figures ``user`` may see: None for all (the city's
    administrators), an empty list for none (instructors, learners)."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser or user.has_perm("courses.view_talentprogramme"):
        return None
    return list(institutions_of(user).values_list("pk", flat=True))


def dashboard_choices(*, scope: Collection[int] | None) -> dict[str, list]:
    """The filter's options: the programme's years, tracks, institutions in scope."""
    programme = _programme()
    now = this_year()
    first = programme.start_year if programme else now - 9
    last = max(programme.end_year if programme else now, now)
    # Every year the API and the tables can show is one the forms offer too.
    seen = _years_with_records()
    first, last = min([first, *seen]), max([last, *seen])
    return {
        "years": list(range(first, last + 1)),
        "tracks": [(t["code"], t["title"]) for t in _tracks()],
        "institutions": [(p.code, str(p)) for p in _institutions(scope)],
    }


def _years_with_records() -> list[int]:
    """The first and last years of cohorts and of track completions (Seoul)."""
    starts = Cohort.objects.aggregate(first=Min("starts_on"), last=Max("starts_on"))
    passes = TrackCompletion.objects.aggregate(
        first=Min("completed_at"), last=Max("completed_at")
    )
    days = [d for d in starts.values() if d is not None]
    moments = [timezone.localtime(m, TIME_ZONE) for m in passes.values() if m]
    return [d.year for d in days] + [m.year for m in moments]
