"""The talent pipeline dashboard's figures against hand-written SQL, city-sized.

Run from the repository root: ``.venv/bin/python bench/dashboard.py``.

Builds its own PostgreSQL database (``lms_bench_dashboard`` or BENCH_DB, made
anew, dropped at the end), migrates it, then loads (bench/dashboard_data.py,
COPY) 100,000 learners, 1,000,000 enrolments and 3,000,000 submissions in
2,000 cohorts of 50 courses in 5 tracks run by 20 institutions, with the
completions, track completions, certificates and lab activity they lead to,
stored in the order they happen (a person's records lie apart on disk), and
targets grown with the data so that the forecast fits its line.
Then, for three filters (the whole city; a year and a track; an institution),
it computes every figure of the dashboard twice in this process, alternating:
with the selector (``pipeline_figures``: trained talents by year, track and
institution, targets, the nested funnel, the forecast) and with hand-written SQL
of each definition (``raw_figures``, which the property test reuses), takes the
median (and the fastest and slowest) of RUNS timings of each, and checks both
give the same figures.
``queries`` counts the selector's queries for one filter. Output also goes to
``bench/results/dashboard.txt``; the last line is ``RESULT dashboard
ratio=<selector / SQL time, whole city> queries=<n> equal=<true|false>``
(equal: for every filter).

Environment (optional): BENCH_PG (postgresql://postgres@127.0.0.1:5432),
BENCH_DB (lms_bench_dashboard; must start with ``lms_bench``),
BENCH_LEARNERS (100000), BENCH_ENROLMENTS (1000000), BENCH_SUBMISSIONS
(3000000), BENCH_RUNS (7), BENCH_KEEP=1 to keep the database afterwards and
BENCH_REUSE=1 to measure again on a database so kept (no reload).
"""

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import zoneinfo
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.database import database_create, database_drop, lms_environment  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "dashboard.txt"
DB_NAME = os.environ.get("BENCH_DB", "lms_bench_dashboard")
# It is dropped at the end: never the LMS's own database.
if not DB_NAME.startswith("lms_bench"):
    raise SystemExit("BENCH_DB must start with lms_bench")
LEARNERS = int(os.environ.get("BENCH_LEARNERS", "100000"))
ENROLMENTS = int(os.environ.get("BENCH_ENROLMENTS", "1000000"))
SUBMISSIONS = int(os.environ.get("BENCH_SUBMISSIONS", "3000000"))
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
KEEP = os.environ.get("BENCH_KEEP") == "1"
REUSE = os.environ.get("BENCH_REUSE") == "1"
FILTERS = {
    "whole city": {},
    "2024, track-2": {"year": 2024, "track": "track-2"},
    "inst-03": {"institution": "inst-03"},
}
# Both ways count "the last 12 months" back from this one instant (the selector
# through a frozen ``timezone.now``): completions pass by the second here.
NOW = dt.datetime.now(dt.UTC)
_lines: list[str] = []


def say(text: str = "") -> None:
    print(text, flush=True)
    _lines.append(text)


def environment(data_dir: Path) -> dict[str, str]:
    return lms_environment(DB_NAME, data_dir)


# The same figures, by hand ----------------------------------------------------

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
SEOUL_YEAR = "EXTRACT(YEAR FROM {} AT TIME ZONE 'Asia/Seoul')::int"
SEAT = "('enrolled', 'completed', 'failed')"


def _rows(cursor, sql: str, params=()) -> list[tuple]:
    cursor.execute(sql, params)
    return cursor.fetchall()


def raw_figures(cursor, *, year=None, track=None, institution=None) -> dict:
    """Every figure of the dashboard for the filter, in plain SQL (and plain
    arithmetic for the forecast): the definitions of docs/dashboard.md written
    out without the ORM. An unknown track or institution code counts nothing."""
    since = NOW - dt.timedelta(days=365)
    programme_id, total_target, start_year = (
        _rows(
            cursor,
            "SELECT id, total_target, start_year FROM courses_talentprogramme"
            " ORDER BY start_year DESC, id DESC LIMIT 1",
        )
        or [(None, None, None)]
    )[0]
    tracks = _rows(
        cursor,
        "SELECT t.page_ptr_id, t.code, p.path FROM courses_trackpage t"
        " JOIN wagtailcore_page p ON p.id = t.page_ptr_id"
        " JOIN wagtailcore_locale l ON l.id = p.locale_id"
        " WHERE l.language_code = 'ko'",
    )
    places = dict(_rows(cursor, "SELECT id, code FROM courses_institution"))
    track_row = next((t for t in tracks if t[1] == track), None)
    place_id = next((k for k, code in places.items() if code == institution), None)
    unknown = (track is not None and track_row is None) or (
        institution is not None and place_id is None
    )
    tc_where, tc_params = "revoked_at IS NULL", []
    if unknown:
        tc_where = "FALSE"
    if track_row:
        tc_where, tc_params = tc_where + " AND track_id = %s", [track_row[0]]
    if place_id:
        tc_where, tc_params = (
            tc_where + " AND institution_id = %s",
            [*tc_params, place_id],
        )
    targets = _rows(
        cursor,
        "SELECT track_id, year, target FROM courses_talenttarget"
        " WHERE programme_id = %s" + (" AND track_id = %s" if track_row else ""),
        [programme_id, *([track_row[0]] if track_row else [])],
    )
    if track is not None and track_row is None:
        targets = []
    # people by the Seoul year of their first valid track completion
    by_year = dict(
        _rows(
            cursor,
            f"SELECT {SEOUL_YEAR.format('first')}, COUNT(*)"
            " FROM (SELECT user_id, MIN(completed_at) AS first"
            f" FROM courses_trackcompletion WHERE {tc_where} GROUP BY user_id) f"
            " GROUP BY 1",
            tc_params,
        )
    )
    by_track = _rows(
        cursor,
        f"SELECT track_id, {SEOUL_YEAR.format('completed_at')}, COUNT(*),"
        " COUNT(*) FILTER (WHERE completed_at >= %s)"
        f" FROM courses_trackcompletion WHERE {tc_where} GROUP BY 1, 2",
        [since, *tc_params],
    )
    by_place = _rows(
        cursor,
        f"SELECT institution_id, {SEOUL_YEAR.format('first')}, COUNT(*)"
        " FROM (SELECT user_id, institution_id, MIN(completed_at) AS first"
        f" FROM courses_trackcompletion WHERE {tc_where} GROUP BY 1, 2) f"
        " GROUP BY 1, 2",
        tc_params,
    )
    if unknown:
        funnel = dict.fromkeys(FUNNEL, 0)
    else:
        funnel = _raw_funnel(cursor, year, track_row and track_row[2], place_id)

    def counted(y):
        return year is None or y == year

    shown = [t for t in targets if counted(t[1])]
    # The programme's total, unless a track is chosen (or it has none).
    whole = (total_target if track is None else None) or sum(t[2] for t in targets)
    plan: dict[int, int] = {}
    for _t, y, target in targets:
        plan[y] = plan.get(y, 0) + target
    return {
        "trained": sum(n for y, n in by_year.items() if counted(y)),
        "target": whole if year is None else sum(t[2] for t in shown),
        "tracks": {
            code: (
                sum(n for k, y, n, _r in by_track if k == pk and counted(y)),
                sum(t[2] for t in shown if t[0] == pk),
                sum(r for k, _y, _n, r in by_track if k == pk),
            )
            for pk, code, _path in tracks
            if track is None or code == track
        },
        "years": {
            y: (by_year.get(y, 0), plan.get(y, 0))
            for y in set(by_year) | set(plan)
            if by_year.get(y, 0) or plan.get(y, 0)
        },
        "institutions": {
            places[k]: n
            for k, n in _sum_by(by_place, counted).items()
            if n and (institution is None or k == place_id)
        },
        "funnel": funnel,
        "forecast": raw_forecast(
            by_year,
            target=whole,
            start_year=start_year,
            this_year=NOW.astimezone(SEOUL).year,
        ),
    }


def _sum_by(rows, counted) -> dict:
    totals: dict = {}
    for key, y, n in rows:
        if counted(y):
            totals[key] = totals.get(key, 0) + n
    return totals


HISTORY_YEARS = 3
HORIZON = 50  # years looked ahead before "not at this pace"


def raw_forecast(
    series: dict[int, int], *, target: int, start_year: int | None, this_year: int
) -> dict:
    """The forecast by its definition, in exact fractions: a least-squares
    line through the last three complete years (``history``), extended with a
    band of its largest residual; the first year the cumulative count (from
    the people trained before this year; this year counting at least its
    actual people) reaches ``target`` at mid (``year``), high (``earliest``)
    and low (``latest``)."""
    first = this_year - HISTORY_YEARS
    if start_year is not None:
        first = max(first, start_year)
    history = {y: series.get(y, 0) for y in range(first, this_year)}
    known = {"achieved": sum(series.values()), "target": target, "history": history}
    done = _reached_in(series, target) if target else None
    if done is not None:
        return {
            **known,
            "year": done,
            "earliest": done,
            "latest": done,
            "reached": True,
        }
    if not target or not history:
        return {
            **known,
            "year": None,
            "earliest": None,
            "latest": None,
            "reached": False,
        }
    line, spread = _least_squares(history)
    before = sum(n for y, n in series.items() if y < this_year)
    actual = series.get(this_year, 0)
    years = {}
    for name, shift, floor in (
        ("year", 0, 0),
        ("earliest", spread, None),
        ("latest", -spread, 0),
    ):
        cumulative, years[name] = Fraction(before), None
        for y in range(this_year, this_year + HORIZON + 1):
            count = line(y) + shift
            count = count if floor is None else max(floor, count)
            cumulative += max(actual, count) if y == this_year else count
            if cumulative >= target:
                years[name] = y
                break
    return {**known, **years, "reached": False}


def _reached_in(series: dict[int, int], target: int) -> int | None:
    cumulative = 0
    for y in sorted(series):
        cumulative += series[y]
        if cumulative >= target:
            return y
    return None


def _least_squares(history: dict[int, int]):
    """count = a + b * year through the points, and the largest absolute
    residual (0 through one or two points, which the line meets)."""
    n = len(history)
    mean_x = Fraction(sum(history), n)
    mean_y = Fraction(sum(history.values()), n)
    sxx = sum((x - mean_x) ** 2 for x in history)
    b = sum((x - mean_x) * (y - mean_y) for x, y in history.items()) / sxx if sxx else 0
    a = mean_y - b * mean_x

    def line(year: int) -> Fraction:
        return a + b * year

    spread = max((abs(y - line(x)) for x, y in history.items()), default=0)
    return line, spread if n > 2 else Fraction(0)


FUNNEL = ("applied", "admitted", "enrolled", "active", "completed")


def _raw_funnel(cursor, year, track_path, place_id) -> dict:
    """People in the cohorts of the filter at each nested stage: applied (any
    enrolment), admitted (admitted_at set or a seat), enrolled (a seat),
    active (enrolled, and lab activity, a submission to those cohorts,
    attendance in them or a valid completion of one), completed (enrolled and
    a valid completion of one of them)."""
    where, params = [], []
    if year is not None:
        where.append("c.starts_on >= %s AND c.starts_on < %s")
        params += [dt.date(year, 1, 1), dt.date(year + 1, 1, 1)]
    if track_path:
        where.append("p.path LIKE %s")
        params.append(track_path + "%")
    if place_id:
        where.append("c.institution_id = %s")
        params.append(place_id)
    cohorts = (
        "SELECT c.id FROM courses_cohort c"
        " JOIN wagtailcore_page p ON p.id = c.course_id"
        f" WHERE {' AND '.join(where)}"
    )
    only = "cohort_id IN (SELECT id FROM chosen)" if where else "TRUE"
    sql = (
        f"WITH chosen AS ({cohorts if where else 'SELECT 1 AS id'}),"
        " people AS (SELECT user_id,"
        f" bool_or(admitted_at IS NOT NULL OR status IN {SEAT}) AS admitted,"
        f" bool_or(status IN {SEAT}) AS seat, bool_or(attended) AS attended"
        f" FROM courses_enrollment WHERE {only} GROUP BY user_id),"
        " passed AS (SELECT DISTINCT user_id FROM courses_completion"
        f" WHERE revoked_at IS NULL AND {only})"
        " SELECT COUNT(*), COUNT(*) FILTER (WHERE admitted),"
        " COUNT(*) FILTER (WHERE seat),"
        " COUNT(*) FILTER (WHERE seat AND (attended OR d.user_id IS NOT NULL"
        " OR EXISTS (SELECT 1 FROM courses_labactivity l WHERE l.user_id = e.user_id)"
        " OR EXISTS (SELECT 1 FROM courses_submission s"
        " JOIN courses_assignment a ON a.id = s.assignment_id"
        f" WHERE s.user_id = e.user_id AND {only.replace('cohort_id', 'a.cohort_id')}"
        "))),"
        " COUNT(*) FILTER (WHERE seat AND d.user_id IS NOT NULL)"
        " FROM people e LEFT JOIN passed d ON d.user_id = e.user_id"
    )
    (row,) = _rows(cursor, sql, params)
    return dict(zip(FUNNEL, row, strict=True))


def selector_figures(**flt) -> dict:
    """The selector's figures, in the shape of ``raw_figures``."""
    from courses.reporting.pipeline import pipeline_figures

    f = pipeline_figures(**flt)
    forecast = f.forecast
    return {
        "trained": f.trained,
        "target": f.target,
        "tracks": {t.code: (t.trained, t.target, t.last_12_months) for t in f.tracks},
        "years": {y.year: (y.trained, y.plan) for y in f.years if y.trained or y.plan},
        "institutions": {p.code: p.trained for p in f.institutions if p.trained},
        "funnel": dict(f.funnel),
        "forecast": {
            "achieved": forecast.achieved,
            "target": forecast.target,
            "history": {h.year: h.trained for h in forecast.history},
            "year": forecast.year,
            "earliest": forecast.earliest,
            "latest": forecast.latest,
            "reached": forecast.reached,
        },
    }


# Measuring --------------------------------------------------------------------


def timed(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def _spread(seconds: list[float]) -> str:
    """The median and, in brackets, the fastest and slowest run, in ms."""
    ms = sorted(1000 * s for s in seconds)
    return f"{statistics.median(ms):7.1f} ms ({ms[0]:.0f}-{ms[-1]:.0f})"


def compare(name: str, flt: dict) -> tuple[float, bool]:
    """Median times of both ways for one filter; whether their figures agree."""
    from django.db import connection

    selector = lambda: selector_figures(**flt)  # noqa: E731
    with connection.cursor() as cursor:
        by_hand = lambda: raw_figures(cursor, **flt)  # noqa: E731
        mine, theirs = selector(), by_hand()  # warm both
        selector_times, sql_times = [], []
        for run in range(RUNS):
            order = (selector, by_hand) if run % 2 else (by_hand, selector)
            for function in order:
                seconds, result = timed(function)
                (selector_times if function is selector else sql_times).append(seconds)
                equal = result == (mine if function is selector else theirs)
                assert equal, f"{name}: figures changed between runs"
    ratio = statistics.median(selector_times) / statistics.median(sql_times)
    same = mine == theirs
    say(
        f"{name:>15}: selector {_spread(selector_times)},"
        f" SQL {_spread(sql_times)}, ratio {ratio:.2f}, equal {str(same).lower()}"
    )
    if not same:
        for key in mine:
            if mine[key] != theirs[key]:
                say(f"    {key}: selector {mine[key]} / SQL {theirs[key]}")
    return ratio, same


def query_count(flt: dict) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from courses.reporting.pipeline import pipeline_figures

    with CaptureQueriesContext(connection) as queries:
        pipeline_figures(**flt)
    return len(queries.captured_queries)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as tmp:
        env = environment(Path(tmp))
        os.environ.update(env)
        if not REUSE:
            database_create(DB_NAME, env)
        import django

        django.setup()
        if not REUSE:
            load_data()
        try:
            measure()
        finally:
            if not KEEP:
                from django.db import connections

                connections.close_all()
                database_drop(DB_NAME)


def load_data() -> None:
    from bench.dashboard_data import load

    start = time.perf_counter()
    counts = load(learners=LEARNERS, enrolled=ENROLMENTS, submitted=SUBMISSIONS)
    say(
        f"Dashboard benchmark: PostgreSQL, loaded in"
        f" {time.perf_counter() - start:.0f} s (COPY):"
    )
    say("  " + ", ".join(f"{n:,} {what}" for what, n in counts.items()))


def stored() -> str:
    """How many rows the figures are counted from (also when reused)."""
    from django.db import connection

    tables = ("enrollment", "submission", "completion", "trackcompletion")
    with connection.cursor() as cursor:
        counts = [
            _rows(cursor, f"SELECT COUNT(*) FROM courses_{t}")[0][0] for t in tables
        ]
    return ", ".join(f"{n:,} {t}s" for t, n in zip(tables, counts, strict=True))


def measure() -> None:
    from django.utils import timezone

    from courses.reporting.pipeline import pipeline_figures

    timezone.now = lambda: NOW

    city = pipeline_figures()
    say(f"  in the database: {stored()}")
    say(
        f"  whole city: {city.trained:,} trained of {city.target:,};"
        f" funnel {city.funnel}; target reached in {city.forecast.year}"
    )
    say(f"median of {RUNS} runs each, alternating:")
    results = {name: compare(name, flt) for name, flt in FILTERS.items()}
    queries = query_count(FILTERS["whole city"])
    equal = all(same for _ratio, same in results.values())
    ratio = results["whole city"][0]
    same = str(equal).lower()
    say(f"RESULT dashboard ratio={ratio:.2f} queries={queries} equal={same}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(_lines) + "\n")


if __name__ == "__main__":
    main()
