"""bench/dashboard.py at a tiny size: its data loads into the current schema and
the dashboard's figures on it equal the bench's hand-written SQL; and that SQL's
forecast gives the known answer of its definition."""

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from bench import dashboard
from bench.dashboard_data import load

needs_postgres = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL (COPY): DATABASE_URL=postgres://…",
)


def _rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@pytest.mark.postgres
@needs_postgres
# VACUUM, which the loader runs last, cannot run inside a transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bench_data_loads_and_dashboard_figures_equal_the_hand_written_sql(
    monkeypatch,
):
    counts = load(learners=20, enrolled=200, submitted=300)

    assert counts["enrolments"] == 200
    assert counts["submissions"] == 300
    assert all(counts.values()), counts
    # What the funnel and the revocations read is written, not left empty.
    assert _rows(
        "SELECT COUNT(*) FROM courses_enrollment WHERE admitted_at IS NULL"
        " AND status IN ('enrolled', 'completed', 'failed')"
    ) == [(0,)]
    for table in ("completion", "trackcompletion", "certificate"):
        assert _rows(
            f"SELECT COUNT(*) FROM courses_{table}"
            " WHERE revoked_at IS NOT NULL AND revoked_reason = ''"
        ) == [(0,)], table
    # The bench counts "the last 12 months" back from its own instant.
    monkeypatch.setattr(timezone, "now", lambda: dashboard.NOW)
    with connection.cursor() as cursor:
        for flt in dashboard.FILTERS.values():
            mine = dashboard.selector_figures(**flt)
            assert mine == dashboard.raw_figures(cursor, **flt), flt


def test_the_hand_written_forecast_gives_the_known_answer():
    forecast = dashboard.raw_forecast(
        {2023: 100, 2024: 200, 2025: 300},
        target=1500,
        start_year=2020,
        this_year=2026,
    )

    assert forecast["history"] == {2023: 100, 2024: 200, 2025: 300}
    assert (forecast["year"], forecast["earliest"], forecast["latest"]) == (
        2027,
        2027,
        2027,
    )
    assert forecast["reached"] is False


def test_the_hand_written_forecast_widens_with_the_largest_miss():
    # The line through 100, 300, 200 is 150, 200, 250 (misses 50, 100, 50):
    # 2026 adds 300 (200 to 400), then 50 more a year, from 600 trained.
    forecast = dashboard.raw_forecast(
        {2023: 100, 2024: 300, 2025: 200},
        target=1500,
        start_year=2020,
        this_year=2026,
    )

    assert (forecast["earliest"], forecast["year"], forecast["latest"]) == (
        2028,
        2028,
        2029,
    )
