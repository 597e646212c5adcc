"""bench/dashboard.py at a tiny size: its data loads into the current schema and
the dashboard's figures on it equal the bench's hand-written SQL."""

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from bench import dashboard
from bench.dashboard_data import load

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL (COPY): DATABASE_URL=postgres://…",
    ),
    # VACUUM, which the loader runs last, cannot run inside a transaction.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_bench_data_loads_and_dashboard_figures_equal_the_hand_written_sql(
    monkeypatch,
):
    counts = load(learners=20, enrolled=200, submitted=300)

    assert counts["enrolments"] == 200
    assert counts["submissions"] == 300
    assert all(counts.values()), counts
    # The bench counts "the last 12 months" back from its own instant.
    monkeypatch.setattr(timezone, "now", lambda: dashboard.NOW)
    with connection.cursor() as cursor:
        for flt in dashboard.FILTERS.values():
            mine = dashboard.selector_figures(**flt)
            assert mine == dashboard.raw_figures(cursor, **flt), flt
