"""Every figure of the talent pipeline, for one filter (year, track, institution,
scope): trained talents against the targets (total, by track, year and
institution), the funnel and the forecast.

The one source of them all: the public track cards (``trained_by_track``), the
public progress page, the admin dashboard, its downloads and the reporting API
read this module only. Every figure comes from a fixed handful of aggregate
queries over the records themselves, without a cache, so a revoked completion
or a withdrawn enrolment shows at once. Definitions: docs/dashboard.md.
"""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import (
    Count,
    Q,
    QuerySet,
)
from django.utils.translation import get_language
from wagtail.models import Locale

from courses.catalogue.models import TrackPage
from courses.completion.models import TrackCompletion
from courses.core.models import Institution
from courses.reporting.counts import (
    _by_first_year,
    _by_institution_and_year,
    _by_track_and_year,
)
from courses.reporting.forecast import Forecast, forecast_of, this_year
from courses.reporting.funnel import funnel_counts
from courses.reporting.models import TalentProgramme, TalentTarget


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
    funnel: dict[str, int]  # FUNNEL_STAGES, in order
    forecast: Forecast

    @property
    def progress(self) -> float | None:
        """Trained of the target in percent; None if unknown (or suppressed)."""
        if not self.target or not isinstance(self.trained, int):
            return None
        return round(100 * self.trained / self.target, 1)


@dataclass(frozen=True)
class Filter:
    year: int | None
    tracks: list[dict]  # the tracks shown: pk, code, title, path of each
    track: dict | None  # the chosen track; None: every track
    places: list[Institution]  # the institutions shown
    restricted: bool  # to ``places``; otherwise every institution counts
    empty: bool  # an unknown or forbidden choice: every figure is 0

    def counts(self, year: int) -> bool:
        return self.year is None or year == self.year


def _filter(year, track, institution, scope) -> Filter:
    tracks = [t for t in _tracks() if track in (None, t["code"])]
    places = [p for p in _institutions(scope) if institution in (None, p.code)]
    restricted = scope is not None or institution is not None
    empty = bool(track and not tracks) or (restricted and not places)
    return Filter(
        year=year,
        tracks=tracks,
        track=tracks[0] if track and tracks else None,
        places=[] if empty else places,
        restricted=restricted,
        empty=empty,
    )


def pipeline_figures(
    *,
    year: int | None = None,
    track: str | None = None,
    institution: str | None = None,
    scope: Collection[int] | None = None,
    with_funnel: bool = True,
) -> PipelineFigures:
    """Every figure for one filter, within ``scope`` (institution ids, None for
    the whole city); ``track`` and ``institution`` are codes. ``with_funnel=False``
    leaves the funnel empty: the public page never shows it, and it is the one
    costly query (about 1 s at a million enrolments)."""
    flt = _filter(year, track, institution, scope)
    programme = _programme()
    # An unknown or forbidden choice counts nothing, targets included.
    targets = [] if flt.empty else _targets(programme, flt)
    shown_targets = [t for t in targets if flt.counts(t["year"])]
    whole = programme.total_target if programme and flt.track is None else None
    whole = 0 if flt.empty else whole or sum(t["target"] for t in targets)
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
        funnel=funnel_counts(flt) if with_funnel else {},
        forecast=forecast_of(
            by_year={y: n for y, (n, _r) in by_year.items()},
            target=whole,
            this_year=this_year(),
            start_year=programme.start_year if programme else None,
        ),
    )


def trained_by_track() -> dict[str, int]:
    """Each track's trained people, every year, every institution, by track code:
    the ``trained`` of ``pipeline_figures().tracks``, in one query."""
    codes = {t["pk"]: t["code"] for t in _tracks()}
    totals: dict[str, int] = defaultdict(int)
    rows = TrackCompletion.objects.filter(revoked_at__isnull=True)
    for row in rows.values("track").annotate(people=Count("id")).order_by():
        if row["track"] in codes:
            totals[codes[row["track"]]] += row["people"]
    return dict(totals)


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


def _targets(programme: TalentProgramme | None, flt: Filter) -> list[dict]:
    if programme is None:
        return []
    rows = TalentTarget.objects.filter(programme=programme)
    if flt.track is not None:
        rows = rows.filter(track_id=flt.track["pk"])
    return list(rows.order_by().values("track", "year", "target"))


def _valid_track_completions(flt: Filter) -> QuerySet[TrackCompletion]:
    rows = TrackCompletion.objects.filter(revoked_at__isnull=True)
    if flt.empty:
        return rows.none()
    if flt.track is not None:
        rows = rows.filter(track_id=flt.track["pk"])
    if flt.restricted:
        rows = rows.filter(institution__in=[p.pk for p in flt.places])
    return rows


def _track_rows(flt: Filter, by_track: dict, targets: list[dict]) -> list[TrackRow]:
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


def _institution_rows(flt: Filter, by_place: dict) -> list[InstitutionRow]:
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
