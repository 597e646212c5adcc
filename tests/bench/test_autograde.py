"""bench/autograde.py at a tiny size: one submission of each kind (right,
wrong in two ways, raising in two ways, looping) graded by the ``nbgrader
autograde`` command and by the LMS's sandboxed pipeline, on the current schema;
both give every learner the same score. No timings are asserted."""

import os
from pathlib import Path

import pytest

from bench.autograde import KINDS
from tests.bench.benches import (
    bench_environment,
    database_drop,
    postgres_absent,
    results,
    run_bench,
)
from tests.runs import RUN

DB = f"lms_bench_autograde_{RUN}_tiny"
ABSENT = postgres_absent()

pytestmark = [
    pytest.mark.skipif(
        os.geteuid() != 0 or not Path("/usr/bin/unshare").exists(),
        reason="The grading sandbox needs root and util-linux's unshare.",
    ),
    pytest.mark.skipif(bool(ABSENT), reason=ABSENT or "-"),
]


@pytest.fixture
def cleaned():
    yield
    database_drop(DB)


def test_autograde_bench_grades_each_kind_alike_both_ways(tmp_path, cleaned):
    out = tmp_path / "autograde.txt"
    env = bench_environment(
        BENCH_DB=DB,
        BENCH_OUT=str(out),
        BENCH_SUBMISSIONS=str(len(KINDS)),
        BENCH_BARE_RUNS="2",
    )
    done = run_bench("autograde.py", env=env)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"Autograding {len(KINDS)} submissions" in done.stdout
    for kind in KINDS:  # one learner of each kind, graded both ways
        assert f"  {kind:<18} x1 " in done.stdout, done.stdout
    figures = results(done.stdout)["autograde"]
    assert figures["same_scores"] == "true", done.stdout
    assert float(figures["ratio"]) > 0, figures
    assert float(figures["per_nb_vs_bare"]) > 0, figures
    assert out.read_text().rstrip().endswith(done.stdout.rstrip().splitlines()[-1])
