"""bench/exchange.py at a tiny size: two learners with real hub tokens submit
through the exchange API on gunicorn, one at a time and two at a time, between
plain uploads; every submission is stored as sent. No timings are asserted."""

import pytest

from tests.bench.benches import (
    bench_environment,
    database_drop,
    postgres_absent,
    results,
    run_bench,
)
from tests.runs import RUN

DB = f"lms_bench_exchange_{RUN}_tiny"
SUBMISSIONS = 4  # a run sends half of them: 2-way then means two at once

ABSENT = postgres_absent()
pytestmark = pytest.mark.skipif(bool(ABSENT), reason=ABSENT or "-")


@pytest.fixture
def cleaned():
    yield
    database_drop(DB)


def test_exchange_bench_stores_every_submission_and_prints_its_ratio(tmp_path, cleaned):
    out = tmp_path / "exchange.txt"
    env = bench_environment(
        BENCH_DB=DB,
        BENCH_OUT=str(out),
        BENCH_SUBMISSIONS=str(SUBMISSIONS),
        BENCH_CONCURRENCY="2",
        BENCH_LEARNERS="2",
        BENCH_WORKERS="1",
        BENCH_THREADS="2",
    )
    done = run_bench("exchange.py", env=env)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "sequential: exchange" in done.stdout
    assert "2-way: exchange" in done.stdout
    assert f"answers: {SUBMISSIONS * 2} x 201, others 0" in done.stdout
    figures = results(done.stdout)["exchange"]
    assert figures["lost"] == "0", done.stdout
    assert float(figures["ratio"]) > 0, figures
    assert out.read_text().rstrip().endswith(done.stdout.rstrip().splitlines()[-1])
