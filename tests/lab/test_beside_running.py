"""The test suite run beside a running LMS leaves it working: the system
started as ``make run`` does (scripts/run.py, on its embedded default, with its
own data directory and ports), a cohort of it graded and its formgrader open,
then the grading and formgrader tests run in another pytest process, then one
more attempt on the running system ends graded and its formgrader still opens.
Tests once deleted every formgrader account of the machine (tests/runs.py)."""

import json
import os
import pwd
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from courses.jupyter.names import grader_user, system_user
from tests.hubs import ROOT, free_port
from tests.runs import RUN, record_account

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="the lab's accounts need root"),
    pytest.mark.skipif(
        not Path(os.environ.get("LAB_PYTHON", "/opt/lms-lab/python/bin")).exists(),
        reason="no lab env: python -m courses.jupyter.provision",
    ),
    pytest.mark.timeout(1200),
]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
# The cheapest tests that make and delete what once took a running LMS's
# accounts: a formgrader account (formgrader_accounts), the lab hub's accounts
# and a formgrader server (lab_hub).
BESIDE = [
    "tests/grading/test_formgrader.py::"
    "test_graded_attempts_go_in_and_scores_by_hand_come_back",
    "tests/lab/test_formgrader_lab.py::"
    "test_only_the_cohorts_instructors_get_into_its_formgrader",
]
GRADED = ("graded", "manual")


def system_environment(directory: Path) -> dict[str, str]:
    """scripts/run.py's environment on the embedded default (SQLite, the
    database queue), none of this test run's settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "HUB_", "LMS_"))
        and k not in ("TASKS_BACKEND", "GRADING_DIR", "MEDIA_ROOT")
    }
    port, hub_port = free_port(), free_port()
    return {
        **env,
        "DATA_DIR": str(directory / "data"),
        "LMS_PORT": str(port),
        "HUB_PORT": str(hub_port),
        "HUB_API_PORT": str(free_port()),
        "HUB_PROXY_API_PORT": str(free_port()),
        "HUB_STATE_DIR": str(directory / "data" / "hub"),
        "HUB_SECRETS_DIR": str(directory / "data" / "hub-secrets"),
        "LMS_WEB_WORKERS": "1",
        # What the LMS's own commands read (run.py sets the same for its children).
        "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
        "HUB_URL": f"http://127.0.0.1:{hub_port}",
        "LMS_URL": f"http://localhost:{port}",
        "SITE_URL": f"http://localhost:{port}",
        "PYTHONPATH": str(ROOT),
    }


def wait_for(check, what: str, timeout: float, every: float = 1.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(every)
    raise AssertionError(f"{what}: not within {timeout:.0f} s")


@pytest.fixture
def running(tmp_path):
    """The system as ``make run`` starts it; stopped after the test."""
    tmp_path.chmod(0o711)
    env = system_environment(tmp_path)
    log = (tmp_path / "run.log").open("w")
    process = subprocess.Popen(
        [PYTHON, "scripts/run.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def answers() -> bool:
        assert process.poll() is None, (tmp_path / "run.log").read_text()[-3000:]
        try:
            lms = requests.get(f"{env['LMS_URL']}/", timeout=30).status_code
            hub = requests.get(f"{env['HUB_URL']}/hub/api/", timeout=5).status_code
        except requests.RequestException:  # not yet listening, or still busy
            return False
        return lms == hub == 200

    try:
        wait_for(answers, "the running system", 300)
        yield env
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # run.py stops what it started
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def drive(env: dict, command: str, argument) -> dict:
    done = subprocess.run(
        [PYTHON, "-m", "tests.lab.running", command, str(argument)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def graded_and_formgrader_opens(env: dict, assignment: int) -> None:
    submission = drive(env, "submit", assignment)["submission"]
    wait_for(
        lambda: drive(env, "status", submission)["status"] in GRADED,
        "the running worker to grade the attempt",
        240,
        every=2,
    )
    opened = wait_for(
        lambda: (state := drive(env, "open", assignment))["ready"] and state,
        "the running system's formgrader",
        240,
        every=2,
    )
    assert opened["answers"] == 200, opened


def test_the_grading_tests_leave_a_running_lms_working(running):
    env = running
    course_id = f"{RUN}-live"
    grader = record_account(system_user(grader_user(course_id)))
    assignment = drive(env, "setup", course_id)["assignment"]
    wait_for(
        lambda: drive(env, "release", assignment)["released"],
        "the running worker to check ps1",
        240,
        every=2,
    )
    graded_and_formgrader_opens(env, assignment)
    home = Path(pwd.getpwnam(grader).pw_dir)
    assert (home / "course" / "gradebook.db").exists()

    tests = subprocess.run(
        [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", *BESIDE],
        cwd=ROOT,
        env=inner_environment(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert tests.returncode == 0, tests.stdout[-4000:]

    # Its formgrader's account, course and server were not touched.
    assert (home / "course" / "gradebook.db").exists()
    graded_and_formgrader_opens(env, assignment)


def inner_environment() -> dict[str, str]:
    """This run's environment for the other pytest process, with a database of
    its own on PostgreSQL (two sessions cannot share one test database)."""
    env = {**os.environ}
    env.pop("PYTEST_CURRENT_TEST", None)
    env.pop("REDIS_URL", None)  # its cache and queue databases are this run's
    if url := env.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"{url.rstrip('/')}_beside"
    return env
