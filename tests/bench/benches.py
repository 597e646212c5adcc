"""Running a bench from a test: the real script, in a process of its own.

- ``bench_environment(**knobs)``: this process's environment without the test
  run's LMS settings (a bench sets its own), plus ``knobs``.
- ``run_bench(script, *args, env=...)``: runs ``bench/<script>`` from the
  repository root; returns the finished process (its output as text).
- ``results(stdout)``: ``{label: {key: value}}`` from the RESULT lines.
- ``postgres_absent()``: why the benches' PostgreSQL server (BENCH_PG) cannot be
  used here, or "" when it can.
- ``database_drop(name)``: drops a bench's database, connections and all.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
RESULT = re.compile(r"^RESULT (\S+) (.*)$", re.M)
# Set by the test run (pytest-django, CI) or a developer's shell for the LMS
# under test; a bench chooses its own, and must not reach the test run's.
FOREIGN = ("DJANGO_", "DATABASE_", "REDIS_", "HUB_", "LMS_", "GRADING_")
FOREIGN_NAMES = ("TASKS_BACKEND", "MEDIA_ROOT", "DATA_DIR", "CACHE_KEY_PREFIX")


def bench_environment(**knobs: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(FOREIGN) and k not in FOREIGN_NAMES
    }
    return {**env, **knobs}


def run_bench(
    script: str, *args: str, env: dict[str, str], timeout: float = 600
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, f"bench/{script}", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def results(stdout: str) -> dict[str, dict[str, str]]:
    return {
        label: dict(pair.split("=", 1) for pair in figures.split())
        for label, figures in RESULT.findall(stdout)
    }


def postgres_absent() -> str:
    import psycopg

    if not shutil.which("psql"):
        return "needs psql, PostgreSQL's client"
    try:
        psycopg.connect(f"{PG}/postgres", connect_timeout=3).close()
    except psycopg.OperationalError:
        return f"needs PostgreSQL at {PG} (BENCH_PG)"
    return ""


def database_drop(name: str) -> None:
    import psycopg

    assert name.startswith("lms_bench") and name.endswith("_tiny"), name
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
