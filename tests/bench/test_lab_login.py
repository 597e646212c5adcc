"""bench/lab_login.py at a tiny size: a warm-up learner and one measured
learner open JupyterLab through the LMS's sign-in (OpenID Connect) and by a bare
API start, in headless Chromium, on the current schema and hub config; the
learners' system accounts are gone afterwards. No timings are asserted."""

import os
import pwd
from pathlib import Path

import pytest

from courses.jupyter.names import SYSTEM_USER_PREFIX
from tests.bench.benches import bench_environment, results, run_bench
from tests.runs import RUN, record_account

CHROMIUM = Path("/usr/bin/chromium")
LAB_PYTHON = Path(os.environ.get("LAB_PYTHON", "/opt/lms-lab/python/bin"))
BENCH_RUN = f"{RUN}-ll"  # the bench's handles: <BENCH_RUN>-u<n>
MEASURED = 1  # plus one warm-up learner

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        os.geteuid() != 0, reason="HUB_SPAWNER=local makes system accounts: root"
    ),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Chromium at {CHROMIUM}"),
    pytest.mark.skipif(
        not LAB_PYTHON.exists(),
        reason="no lab env: python -m courses.jupyter.provision",
    ),
]


def exists(account: str) -> bool:
    try:
        pwd.getpwnam(account)
    except KeyError:
        return False
    return True


def test_lab_login_bench_opens_the_lab_both_ways_and_removes_its_accounts(tmp_path):
    accounts = [f"{SYSTEM_USER_PREFIX}{BENCH_RUN}-u{n}" for n in range(MEASURED + 1)]
    for account in accounts:  # deleted by this run's end if the bench is killed
        record_account(account)
    out = tmp_path / "lab_login.txt"
    env = bench_environment(BENCH_RUN=BENCH_RUN, BENCH_OUT=str(out))
    done = run_bench("lab_login.py", "--users", str(MEASURED), env=env)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for label in ("warm-up", "learner 1"):
        for kind in ("sso", "bare"):
            assert f"  {label:<10} {kind:<4} total" in done.stdout, done.stdout
    figures = results(done.stdout)["lab_login"]
    assert float(figures["sso_s"]) > 0, figures
    assert float(figures["bare_s"]) > 0, figures
    assert float(figures["ratio"]) > 0, figures
    assert out.read_text().rstrip().endswith(done.stdout.rstrip().splitlines()[-1])
    assert not [a for a in accounts if exists(a)]
