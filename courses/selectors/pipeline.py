"""Every figure of the talent pipeline, for one filter (year, track, institution,
scope): trained talents against the targets (total, by track, year and
institution), the funnel and the forecast.

The one source of them all: the public track cards (``trained_by_track``), the
public progress page, the admin dashboard, its downloads and the reporting API
read this module only. Every figure comes from a fixed handful of aggregate
queries over the records themselves, without a cache, so a revoked completion
or a withdrawn enrolment shows at once. Definitions: docs/dashboard.md.
"""

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Cast, ExtractYear
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Locale

from courses.models import (
    Cohort,
    Completion,
    Enrollment,
    Institution,
    LabActivity,
    Submission,
    TalentProgramme,
    TalentTarget,
    TrackCompletion,
    TrackPage,
)

from .permissions import institutions_of

# Years and "the last 12 months" are counted on the city's clock (Asia/Seoul),
# whatever zone the reader chose.
TIME_ZONE = zoneinfo.ZoneInfo(settings.TIME_ZONE)
PACE_DAYS = 365
# Nested: each stage is a subset of the one before.
FUNNEL_STAGES = ("applied", "admitted", "enrolled", "active", "completed")
HISTORY_YEARS = 3  # complete years the forecast's line is fitted through
HORIZON_YEARS = 50  # beyond this, "not at this pace"


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
class YearCount:
    year: int
    trained: int


@dataclass(frozen=True)
class Forecast:
    """When the target is reached if the line through the last (up to) three
    complete years' trained people goes on; ``earliest``/``latest`` follow the
    band's upper/lower edge. None: not within HORIZON_YEARS (or no history)."""

    achieved: int  # trained people so far, every year
    target: int
    this_year: int  # in Seoul
    history: list[YearCount]  # the years the line is fitted through
    intercept: float | None  # count = intercept + slope * year
    slope: float | None
    spread: float | None  # the band: the largest absolute residual
    year: int | None
    earliest: int | None
    latest: int | None
    reached: bool  # already: ``year`` is the year it was reached

    @property
    def method(self) -> str:
        """How it was made, in a sentence of the active language."""
        if self.reached:
            return _("The target has been reached: no forecast is needed.")
        if not self.target:
            return _("No target is set: nothing to forecast.")
        if not self.history:
            return _(
                "Not enough history yet: the forecast needs at least one complete "
                "year of the programme."
            )
        return _(
            "A straight line fitted (least squares) through the people trained "
            "in each of %(years)s, extended year by year from %(this_year)s and "
            "added to those trained so far; this year counts what is already "
            "done if that is more. The band is the line plus or minus its largest "
            "miss on those years (%(spread)s people a year)."
        ) % {
            "years": ", ".join(str(h.year) for h in self.history),
            "this_year": self.this_year,
            "spread": round(self.spread or 0, 1),
        }


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


def this_year() -> int:
    """The current year in Seoul (not in the reader's zone)."""
    return timezone.localdate(timezone=TIME_ZONE).year


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
        funnel=_funnel(flt) if with_funnel else {},
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


# The forecast -----------------------------------------------------------------


def _fit(history: list[YearCount]) -> tuple[float, float, float]:
    """Least squares ``count = a + b * year``: (a, b, largest absolute residual).
    One year: a flat line; one or two years: no spread (the line fits them)."""
    n = len(history)
    mean_x = sum(h.year for h in history) / n
    mean_y = sum(h.trained for h in history) / n
    sxx = sum((h.year - mean_x) ** 2 for h in history)
    sxy = sum((h.year - mean_x) * (h.trained - mean_y) for h in history)
    slope = sxy / sxx if sxx else 0.0
    intercept = mean_y - slope * mean_x
    spread = max(abs(h.trained - (mean_y + slope * (h.year - mean_x))) for h in history)
    return intercept, slope, spread if n > 2 else 0.0


def _first_year_reaching(start: float, counts, target: int) -> int | None:
    """The first year whose cumulative count reaches ``target``, or None."""
    total = start
    for year, count in counts:
        total += count
        if total >= target - 1e-9:  # the line's floats: 1500 must reach 1500
            return year
    return None


def forecast_of(
    *,
    by_year: dict[int, int],
    target: int,
    this_year: int,
    start_year: int | None,
) -> Forecast:
    """The forecast from people trained by year (``by_year``), as stated on the
    dashboard: see ``Forecast.method`` and docs/dashboard.md."""
    achieved = sum(by_year.values())
    first = this_year - HISTORY_YEARS
    if start_year is not None:
        first = max(first, start_year)
    history = [YearCount(y, by_year.get(y, 0)) for y in range(first, this_year)]
    common = {"achieved": achieved, "target": target, "this_year": this_year}
    if target and achieved >= target:
        actual = sorted(by_year.items())
        year = _first_year_reaching(0, actual, target)
        return Forecast(
            **common,
            history=history,
            intercept=None,
            slope=None,
            spread=None,
            year=year,
            earliest=year,
            latest=year,
            reached=True,
        )
    if not target or not history:
        return Forecast(
            **common,
            history=history,
            intercept=None,
            slope=None,
            spread=None,
            year=None,
            earliest=None,
            latest=None,
            reached=False,
        )
    a, b, s = _fit(history)
    before = sum(n for y, n in by_year.items() if y < this_year)
    so_far = by_year.get(this_year, 0)
    years = range(this_year, this_year + HORIZON_YEARS + 1)

    def edge(shift: float) -> int | None:
        counts = []
        for y in years:
            projected = max(0.0, a + b * y + shift)
            counts.append((y, max(so_far, projected) if y == this_year else projected))
        return _first_year_reaching(before, counts, target)

    return Forecast(
        **common,
        history=history,
        intercept=a,
        slope=b,
        spread=s,
        year=edge(0),
        earliest=edge(s),
        latest=edge(-s),
        reached=False,
    )


# The funnel -------------------------------------------------------------------


def _funnel_cohorts(flt: _Filter) -> dict[int, list[int]] | None:
    """The filter's cohorts (starting in its year, of courses under its track,
    run by its institutions) with their assignments: cohort id → assignment
    ids; None when every cohort counts.

    Fetched first, so that the funnel's statement holds them as lists of
    constants: PostgreSQL then finds the enrolments by the cohort index and
    costs each person's submission check as the index look-up it is. With a
    subquery in their place it costs that check as if the subquery ran once
    per person (millions, for a thousand people), and compiling the statement
    with JIT for that cost took longer than running it (0.3-1.4 s at 1M
    enrolments, bench/dashboard.py)."""
    if flt.year is None and flt.track is None and not flt.restricted:
        return None
    cohorts = Cohort.objects.all()
    if flt.year is not None:
        cohorts = cohorts.filter(starts_on__year=flt.year)
    if flt.track is not None:
        cohorts = cohorts.filter(course__path__startswith=flt.track["path"])
    if flt.restricted:
        cohorts = cohorts.filter(institution__in=[p.pk for p in flt.places])
    tasks: dict[int, list[int]] = defaultdict(list)
    for cohort, assignment in cohorts.order_by().values_list("pk", "assignments"):
        tasks[cohort] += [assignment] if assignment is not None else []
    return tasks


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _in(values: Collection[int]) -> str:
    return "(" + ", ".join(["%s"] * len(values)) + ")" if values else "(NULL)"


def _funnel_sql(cohorts: dict[int, list[int]] | None) -> tuple[str, list]:
    """One statement: each person of the cohorts once, with flags, then counted.

    ``people`` holds one row per person with an enrolment in the cohorts:
    whether any of those enrolments was admitted (``admitted_at`` set or a
    seat), holds a seat, was marked attended; whether the person used the lab
    and holds a valid completion of the cohorts (both joined by hash). Only
    those holding a seat whom none of that makes active are looked up in the
    submissions, one indexed EXISTS each: asked of every person, PostgreSQL
    would cost that look-up for all of them and compile the statement (JIT)
    for longer than it runs."""
    ids = [] if cohorts is None else list(cohorts)
    tasks = [] if cohorts is None else [a for c in cohorts.values() for a in c]

    def only(column: str, values: list[int]) -> str:
        return "" if cohorts is None else f" AND {column} IN {_in(values)}"

    seats = ", ".join(["%s"] * len(Enrollment.SEAT_HOLDING))
    seat_values = [str(s) for s in Enrollment.SEAT_HOLDING]
    statement = (
        "WITH people AS (SELECT p.*,"
        " CASE WHEN l.user_id IS NULL THEN 0 ELSE 1 END AS lab,"
        " CASE WHEN d.user_id IS NULL THEN 0 ELSE 1 END AS done"
        " FROM (SELECT e.user_id,"
        f" MAX(CASE WHEN e.status IN ({seats}) OR e.admitted_at IS NOT NULL"
        " THEN 1 ELSE 0 END) AS admitted,"
        f" MAX(CASE WHEN e.status IN ({seats}) THEN 1 ELSE 0 END) AS seat,"
        " MAX(CASE WHEN e.attended THEN 1 ELSE 0 END) AS attended"
        f" FROM {_table(Enrollment)} e WHERE 1 = 1"
        f"{only('e.cohort_id', ids)} GROUP BY e.user_id) p"
        f" LEFT JOIN {_table(LabActivity)} l ON l.user_id = p.user_id"
        f" LEFT JOIN (SELECT DISTINCT x.user_id FROM {_table(Completion)} x"
        f" WHERE x.revoked_at IS NULL{only('x.cohort_id', ids)})"
        " d ON d.user_id = p.user_id)"
        " SELECT COUNT(*), COALESCE(SUM(admitted), 0), COALESCE(SUM(seat), 0),"
        " COALESCE(SUM(CASE WHEN seat = 1 AND (attended = 1 OR lab = 1 OR done = 1)"
        " THEN 1 ELSE 0 END), 0)"
        " + (SELECT COUNT(*) FROM people q WHERE q.seat = 1 AND q.attended = 0"
        " AND q.lab = 0 AND q.done = 0 AND EXISTS (SELECT 1"
        f" FROM {_table(Submission)} s WHERE s.user_id = q.user_id"
        f"{only('s.assignment_id', tasks)})),"
        " COALESCE(SUM(CASE WHEN seat = 1 AND done = 1 THEN 1 ELSE 0 END), 0)"
        " FROM people"
    )
    # Placeholders in the order of the text: the seats (twice), the enrolments'
    # cohorts, the completions' cohorts, the submissions' assignments.
    return statement, [*seat_values, *seat_values, *ids, *ids, *tasks]


def _funnel(flt: _Filter) -> dict[str, int]:
    """People at each stage, each counted once however many cohorts they are in."""
    cohorts = None if flt.empty else _funnel_cohorts(flt)
    if flt.empty or cohorts == {}:
        return dict.fromkeys(FUNNEL_STAGES, 0)
    statement, params = _funnel_sql(cohorts)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        counts = cursor.fetchone()
    return dict(zip(FUNNEL_STAGES, (int(n) for n in counts), strict=True))
