"""bench/catalogue.py at a tiny size: tracks of 1 and 2 courses load into the
current schema, their pages answer on gunicorn as the bench checks them, and
two rounds of 0.3 s a page end in its RESULT line. No timings are asserted."""

import pytest

from tests.bench.benches import (
    bench_environment,
    database_drop,
    postgres_absent,
    results,
    run_bench,
)
from tests.runs import RUN

DB = f"lms_bench_catalogue_{RUN}_tiny"
CACHE_PREFIX = f"lms-bench-{RUN}-tiny"
REDIS_URL = "redis://127.0.0.1:6379/7"  # the bench's default; keys of our prefix


def redis_absent() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.ConnectionError:
        return f"needs Redis at {REDIS_URL} (the production cache)"
    return ""


ABSENT = postgres_absent() or redis_absent()
pytestmark = pytest.mark.skipif(bool(ABSENT), reason=ABSENT or "-")


@pytest.fixture
def cleaned():
    yield
    database_drop(DB)
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{CACHE_PREFIX}:*", count=1000):
        client.delete(key)


def test_catalogue_bench_serves_its_pages_and_prints_its_ratio(tmp_path, cleaned):
    out = tmp_path / "catalogue.txt"
    env = bench_environment(
        BENCH_DB=DB,
        BENCH_REDIS_URL=REDIS_URL,
        BENCH_CACHE_PREFIX=CACHE_PREFIX,
        BENCH_DATA_DIR=str(tmp_path / "data"),
        BENCH_OUT=str(out),
        BENCH_SMALL="1",
        BENCH_LARGE="2",
        BENCH_WORKERS="1",
        BENCH_THREADS="2",
        BENCH_CONNECTIONS="2",
        BENCH_ROUNDS="2",
        BENCH_SECONDS="0.3",
        BENCH_WARMUP_S="0.3",
    )
    done = run_bench("catalogue.py", env=env)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "data: 3 courses, 15 cohorts" in done.stdout
    assert done.stdout.count("round ") == 2, done.stdout
    figures = results(done.stdout)["catalogue"]
    assert float(figures["ratio"]) > 0, figures
    # Each track page reads the database when its cache is cold.
    assert int(figures["queries_20"]) > 0, figures
    assert int(figures["queries_200"]) > 0, figures
    assert out.read_text().rstrip().endswith(done.stdout.rstrip().splitlines()[-1])
