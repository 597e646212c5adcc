"""The nested funnel (applied ⊇ admitted ⊇ enrolled ⊇ active ⊇ completed),
counted in one SQL query (docs/dashboard.md)."""

from collections import defaultdict
from collections.abc import Collection
from typing import TYPE_CHECKING

from django.db import connection

from courses.completion.models import Completion
from courses.enrollment.models import Cohort, Enrollment
from courses.grading.models import Submission
from courses.lab.models import LabActivity

if TYPE_CHECKING:
    from courses.reporting.pipeline import Filter


# Nested: each stage is a subset of the one before.
FUNNEL_STAGES = ("applied", "admitted", "enrolled", "active", "completed")


# The funnel -------------------------------------------------------------------


def _funnel_cohorts(flt: "Filter") -> dict[int, list[int]] | None:
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


def funnel_counts(flt: "Filter") -> dict[str, int]:
    """People at each stage, each counted once however many cohorts they are in."""
    cohorts = None if flt.empty else _funnel_cohorts(flt)
    if flt.empty or cohorts == {}:
        return dict.fromkeys(FUNNEL_STAGES, 0)
    statement, params = _funnel_sql(cohorts)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        counts = cursor.fetchone()
    return dict(zip(FUNNEL_STAGES, (int(n) for n in counts), strict=True))
