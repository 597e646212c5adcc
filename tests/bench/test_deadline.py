"""bench/deadline.py at a tiny size: six learners (one of each kind: right,
failing tests, raising, looping, malformed then right) submit within a few
seconds, with and without a worker SIGKILLed and PostgreSQL restarted; every
submission ends graded once. No timings are asserted."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.deadline_cluster import PG_BIN

ROOT = Path(__file__).resolve().parents[2]
LEARNERS = 6
RESULT = re.compile(r"^RESULT (\S+) (.*)$", re.M)

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0
    or not Path("/usr/bin/unshare").exists()
    or not (PG_BIN / "initdb").exists(),
    reason="needs root, unshare (the grading sandbox) and PostgreSQL's initdb",
)


def test_deadline_burst_grades_every_submission_once_despite_faults(tmp_path):
    env = {
        **os.environ,
        "BENCH_LEARNERS": str(LEARNERS),
        "BENCH_WINDOW_S": "3",
        "BENCH_WORKERS": "2",
        "BENCH_CELL_TIMEOUT": "3",
        "BENCH_LEASE_S": "6",
        "BENCH_SWEEP_S": "3",
        "BENCH_PG_DOWN_S": "2",
        "BENCH_POLL_S": "1",
        "BENCH_GIVE_UP_S": "300",
        "BENCH_OUT": str(tmp_path / "deadline.txt"),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the bench's own settings
    done = subprocess.run(
        [sys.executable, "bench/deadline.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = {
        label: dict(pair.split("=") for pair in figures.split())
        for label, figures in RESULT.findall(done.stdout)
    }
    assert set(results) == {"deadline", "deadline-faults"}, done.stdout
    for label, figures in results.items():
        assert figures["submitted"] == str(LEARNERS), (label, done.stdout)
        assert figures["lost"] == "0", (label, done.stdout)
        assert figures["twice"] == "0", (label, done.stdout)
        assert figures["graded"] == str(LEARNERS), (label, done.stdout)
        assert figures["max_s"] != "none", (label, done.stdout)  # seen by learners
