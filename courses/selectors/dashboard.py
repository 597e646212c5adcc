"""The talent pipeline's figures: trained talents against the targets, the funnel
and the forecast, for one filter (year, track, institution).

Every figure comes from a fixed handful of aggregate queries over the records
themselves, without a cache, so a revoked completion or a withdrawn enrolment
shows at once. The definitions: docs/dashboard.md (and the dashboard's help).
"""

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet
from django.db.models.functions import Cast, ExtractYear
from django.utils import timezone
from django.utils.translation import get_language
from wagtail.models import Locale

from courses.models import (
    Institution,
    TalentProgramme,
    TalentTarget,
    TrackCompletion,
    TrackPage,
)

from .funnel import FUNNEL_STEPS, funnel_people
from .permissions import institutions_of

# Years and "the last 12 months" are counted on the city's clock (Asia/Seoul).
TIME_ZONE = zoneinfo.ZoneInfo(settings.TIME_ZONE)
PACE_DAYS = 365


@dataclass(frozen=True)
class TrackRow:
    code: str
    title: str
    trained: int
    target: int
    last_12_months: int


@dataclass(frozen=True)
class YearRow:
    year: int
    trained: int
    plan: int


@dataclass(frozen=True)
class InstitutionRow:
    code: str
    name: str
    trained: int


@dataclass(frozen=True)
class Forecast:
    """The year ``target`` is reached at the pace of the last 12 months."""

    achieved: int  # trained talents so far, every year
    target: int  # of the whole programme, or of the chosen track
    pace: int  # people a year: first track completions in the last 365 days
    year: int | None  # None: no pace, so not at this pace
    reached: bool


@dataclass(frozen=True)
class PipelineFigures:
    year: int | None
    track: str | None
    institution: str | None
    programme: TalentProgramme | None
    trained: int
    target: int
    tracks: list[TrackRow]
    years: list[YearRow]
    institutions: list[InstitutionRow]
    funnel: dict[str, int]
    forecast: Forecast

    @property
    def progress(self) -> float | None:
        """Trained of the target in percent; None if unknown (or suppressed)."""
        if not self.target or not isinstance(self.trained, int):
            return None
        return round(100 * self.trained / self.target, 1)


@dataclass(frozen=True)
class _Filter:
    year: int | None
    tracks: list[dict]  # the tracks shown: pk, code, title, path of each
    track: dict | None  # the chosen track; None: every track
    places: list[Institution]  # the institutions shown
    restricted: bool  # to ``places``; otherwise every institution counts
    empty: bool  # an unknown or forbidden choice: every figure is 0

    def counts(self, year: int) -> bool:
        return self.year is None or year == self.year


def _filter(year, track, institution, scope) -> _Filter:
    tracks = [t for t in _tracks() if track in (None, t["code"])]
    places = [p for p in _institutions(scope) if institution in (None, p.code)]
    restricted = scope is not None or institution is not None
    empty = bool(track and not tracks) or (restricted and not places)
    return _Filter(
        year=year,
        tracks=tracks,
        track=tracks[0] if track and tracks else None,
        places=[] if empty else places,
        restricted=restricted,
        empty=empty,
    )


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
    this_year = timezone.localdate().year
    first = programme.start_year if programme else this_year - 9
    last = max(programme.end_year if programme else this_year, this_year)
    return {
        "years": list(range(first, last + 1)),
        "tracks": [(t["code"], t["title"]) for t in _tracks()],
        "institutions": [(p.code, str(p)) for p in _institutions(scope)],
    }


def pipeline_figures(
    *,
    year: int | None = None,
    track: str | None = None,
    institution: str | None = None,
    scope: Collection[int] | None = None,
) -> PipelineFigures:
    """Every figure of the dashboard for one filter, within ``scope`` (institution
    ids, None for the whole city); ``track`` and ``institution`` are codes."""
    flt = _filter(year, track, institution, scope)
    programme = _programme()
    targets = _targets(programme, flt)
    shown_targets = [t for t in targets if flt.counts(t["year"])]
    whole = programme.total_target if programme and flt.track is None else None
    whole = whole or sum(t["target"] for t in targets)
    completions = _valid_track_completions(flt)
    by_year = _by_first_year(completions)
    return PipelineFigures(
        year=year,
        track=track,
        institution=institution,
        programme=programme,
        trained=sum(n for y, (n, _r) in by_year.items() if flt.counts(y)),
        target=whole if year is None else sum(t["target"] for t in shown_targets),
        tracks=_track_rows(flt, _by_track_and_year(completions), shown_targets),
        years=_year_rows(programme, by_year, targets),
        institutions=_institution_rows(flt, _by_institution_and_year(completions)),
        funnel=_funnel(flt),
        forecast=_forecast(by_year, whole),
    )


def _programme() -> TalentProgramme | None:
    return TalentProgramme.objects.order_by("-start_year", "-pk").first()


def _tracks() -> list[dict]:
    """Tracks of the default language, titled in the active one, in tree order."""
    default = Locale.get_default()
    rows = TrackPage.objects.filter(
        Q(locale=default) | Q(locale__language_code=get_language())
    ).values("pk", "code", "title", "path", "translation_key", "locale_id")
    titles = {
        r["translation_key"]: r["title"] for r in rows if r["locale_id"] != default.pk
    }
    return sorted(
        (
            {**r, "title": titles.get(r["translation_key"], r["title"])}
            for r in rows
            if r["locale_id"] == default.pk
        ),
        key=lambda r: r["path"],
    )


def _institutions(scope: Collection[int] | None) -> list[Institution]:
    places = Institution.objects.order_by("name")
    return list(places if scope is None else places.filter(pk__in=scope))


def _targets(programme: TalentProgramme | None, flt: _Filter) -> list[dict]:
    if programme is None:
        return []
    rows = TalentTarget.objects.filter(programme=programme)
    if flt.track is not None:
        rows = rows.filter(track_id=flt.track["pk"])
    return list(rows.order_by().values("track", "year", "target"))


def _valid_track_completions(flt: _Filter) -> QuerySet[TrackCompletion]:
    rows = TrackCompletion.objects.filter(revoked_at__isnull=True)
    if flt.empty:
        return rows.none()
    if flt.track is not None:
        rows = rows.filter(track_id=flt.track["pk"])
    if flt.restricted:
        rows = rows.filter(institution__in=[p.pk for p in flt.places])
    return rows


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


def _track_rows(flt: _Filter, by_track: dict, targets: list[dict]) -> list[TrackRow]:
    rows = []
    for track in flt.tracks:
        mine = [(y, n, r) for (k, y), (n, r) in by_track.items() if k == track["pk"]]
        rows.append(
            TrackRow(
                code=track["code"],
                title=track["title"],
                trained=sum(n for y, n, _r in mine if flt.counts(y)),
                target=sum(t["target"] for t in targets if t["track"] == track["pk"]),
                last_12_months=sum(r for _y, _n, r in mine),
            )
        )
    return rows


def _institution_rows(flt: _Filter, by_place: dict) -> list[InstitutionRow]:
    return [
        InstitutionRow(
            code=place.code,
            name=str(place),
            trained=sum(
                n for (k, y), n in by_place.items() if k == place.pk and flt.counts(y)
            ),
        )
        for place in flt.places
    ]


def _year_rows(programme, by_year: dict, targets: list[dict]) -> list[YearRow]:
    """Every programme year, and any other year with trained talents."""
    plan: dict[int, int] = defaultdict(int)
    for row in targets:
        plan[row["year"]] += row["target"]
    years = set(by_year) | set(plan)
    if programme is not None:
        years |= set(range(programme.start_year, programme.end_year + 1))
    return [
        YearRow(year=y, trained=by_year.get(y, (0, 0))[0], plan=plan.get(y, 0))
        for y in sorted(years)
    ]


def _forecast(by_year: dict, target: int) -> Forecast:
    achieved = sum(n for n, _r in by_year.values())
    pace = sum(r for _n, r in by_year.values())
    if achieved >= target:
        cumulative, year = 0, None
        for row_year in sorted(by_year):
            cumulative += by_year[row_year][0]
            if cumulative >= target and year is None:
                year = row_year
        return Forecast(achieved, target, pace, year, reached=True)
    if not pace:
        return Forecast(achieved, target, pace, None, reached=False)
    days = PACE_DAYS * (target - achieved) / pace
    year = (timezone.localdate() + dt.timedelta(days=days)).year
    return Forecast(achieved, target, pace, year, reached=False)


def _funnel(flt: _Filter) -> dict[str, int]:
    if flt.empty:
        return dict.fromkeys(FUNNEL_STEPS, 0)
    return funnel_people(
        year=flt.year,
        track_path=flt.track["path"] if flt.track else None,
        institutions=[p.pk for p in flt.places] if flt.restricted else None,
    )
