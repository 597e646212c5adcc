"""The talent pipeline dashboard's figures against hand-written SQL, city-sized.

Run from the repository root: ``.venv/bin/python bench/dashboard.py``.

Builds its own PostgreSQL database (``lms_bench_dashboard`` or BENCH_DB, made
anew, dropped at the end), migrates it, then loads (bench/dashboard_data.py,
COPY) 100,000 learners, 1,000,000 enrolments and 3,000,000 submissions in
2,000 cohorts of 50 courses in 5 tracks run by 20 institutions, with the
completions, track completions, certificates and lab activity they lead to.
Then, for three filters (the whole city; a year and a track; an institution),
it computes every figure of the dashboard twice in this process, alternating:
with the selector (``pipeline_figures``: trained talents by year, track and
institution, targets, funnel, forecast) and with hand-written SQL, takes the
median of RUNS timings of each, and checks both give the same figures.
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
    """Every figure of the dashboard for the filter, in plain SQL."""
    since = NOW - dt.timedelta(days=365)
    programme_id, total_target = _rows(
        cursor,
        "SELECT id, total_target FROM courses_talentprogramme"
        " ORDER BY start_year DESC, id DESC LIMIT 1",
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
    tc_where, tc_params = "revoked_at IS NULL", []
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
    by_year = {
        y: (n, r)
        for y, n, r in _rows(
            cursor,
            f"SELECT {SEOUL_YEAR.format('first')}, COUNT(*),"
            " COUNT(*) FILTER (WHERE first >= %s)"
            " FROM (SELECT user_id, MIN(completed_at) AS first"
            f" FROM courses_trackcompletion WHERE {tc_where} GROUP BY user_id) f"
            " GROUP BY 1",
            [since, *tc_params],
        )
    }
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
    funnel = _raw_funnel(cursor, year, track_row and track_row[2], place_id)

    def counted(y):
        return year is None or y == year

    shown = [t for t in targets if counted(t[1])]
    whole = total_target if track_row is None else sum(t[2] for t in targets)
    plan: dict[int, int] = {}
    for _t, y, target in targets:
        plan[y] = plan.get(y, 0) + target
    achieved = sum(n for n, _r in by_year.values())
    pace = sum(r for _n, r in by_year.values())
    return {
        "trained": sum(n for y, (n, _r) in by_year.items() if counted(y)),
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
            y: (by_year.get(y, (0, 0))[0], plan.get(y, 0))
            for y in set(by_year) | set(plan)
            if by_year.get(y, (0, 0))[0] or plan.get(y, 0)
        },
        "institutions": {
            places[k]: n
            for k, n in _sum_by(by_place, counted).items()
            if n and (place_id is None or k == place_id)
        },
        "funnel": funnel,
        "forecast": (achieved, pace, _forecast_year(achieved, pace, whole)),
    }


def _sum_by(rows, counted) -> dict:
    totals: dict = {}
    for key, y, n in rows:
        if counted(y):
            totals[key] = totals.get(key, 0) + n
    return totals


def _forecast_year(achieved: int, pace: int, target: int):
    if achieved >= target or not pace:
        return None  # compared as "reached" or "never"; the years then differ
    days = 365 * (target - achieved) / pace
    return (NOW.astimezone(SEOUL).date() + dt.timedelta(days=days)).year


def _raw_funnel(cursor, year, track_path, place_id) -> dict:
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
    only = f"cohort_id IN ({cohorts})" if where else "TRUE"
    ((applied, enrolled, lab),) = _rows(
        cursor,
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE seat),"
        " COUNT(*) FILTER (WHERE seat AND EXISTS (SELECT 1 FROM courses_labactivity l"
        " WHERE l.user_id = e.user_id))"
        f" FROM (SELECT user_id, bool_or(status IN {SEAT}) AS seat"
        f" FROM courses_enrollment WHERE {only} GROUP BY user_id) e",
        params,
    )
    join = " JOIN courses_assignment a ON a.id = s.assignment_id" if where else ""
    ((submitted,),) = _rows(
        cursor,
        "SELECT COUNT(*) FROM (SELECT DISTINCT s.user_id FROM courses_submission s"
        f"{join} WHERE {only.replace('cohort_id', 'a.cohort_id')}) s",
        params,
    )
    ((passed, certified),) = _rows(
        cursor,
        "WITH track_certified AS (SELECT DISTINCT k.user_id FROM courses_certificate k"
        " JOIN courses_trackcompletion t ON t.id = k.track_completion_id"
        " WHERE k.revoked_at IS NULL AND t.revoked_at IS NULL)"
        " SELECT COUNT(DISTINCT c.user_id), COUNT(DISTINCT c.user_id) FILTER (WHERE"
        " (k.id IS NOT NULL AND k.revoked_at IS NULL) OR tc.user_id IS NOT NULL)"
        " FROM courses_completion c"
        " LEFT JOIN courses_certificate k ON k.completion_id = c.id"
        " LEFT JOIN track_certified tc ON tc.user_id = c.user_id"
        f" WHERE c.revoked_at IS NULL AND {only.replace('cohort_id', 'c.cohort_id')}",
        params,
    )
    return {
        "applied": applied,
        "enrolled": enrolled,
        "lab": lab,
        "submitted": submitted,
        "passed": passed,
        "certified": certified,
    }


def selector_figures(**flt) -> dict:
    """The selector's figures, in the shape of ``raw_figures``."""
    from courses.selectors.dashboard import pipeline_figures

    f = pipeline_figures(**flt)
    forecast = f.forecast
    return {
        "trained": f.trained,
        "target": f.target,
        "tracks": {t.code: (t.trained, t.target, t.last_12_months) for t in f.tracks},
        "years": {y.year: (y.trained, y.plan) for y in f.years if y.trained or y.plan},
        "institutions": {p.code: p.trained for p in f.institutions if p.trained},
        "funnel": dict(f.funnel),
        "forecast": (
            forecast.achieved,
            forecast.pace,
            None if forecast.reached else forecast.year,
        ),
    }


# Measuring --------------------------------------------------------------------


def timed(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


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
        f"{name:>15}: selector {statistics.median(selector_times) * 1000:7.1f} ms,"
        f" SQL {statistics.median(sql_times) * 1000:7.1f} ms, ratio {ratio:.2f},"
        f" equal {str(same).lower()}"
    )
    if not same:
        for key in mine:
            if mine[key] != theirs[key]:
                say(f"    {key}: selector {mine[key]} / SQL {theirs[key]}")
    return ratio, same


def query_count(flt: dict) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from courses.selectors.dashboard import pipeline_figures

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


def measure() -> None:
    from django.utils import timezone

    from courses.selectors.dashboard import pipeline_figures

    timezone.now = lambda: NOW

    city = pipeline_figures()
    say(
        f"  whole city: {city.trained:,} trained of {city.target:,};"
        f" funnel {city.funnel}"
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
