"""Grading fixtures with real sandboxed kernels (imported by tests/courses/conftest.py).

- ``grading_on``: grading enabled, its course directories in tmp_path, 2 at once.
- ``assignment``: ps1 (tests/jupyter/fixtures/source) checked and released in a
  new cohort, 3 s per cell.
- ``answer(before=[...], cells=N, **answers)``: the learner's ps1.ipynb bytes, the
  instructor's solutions unless replaced per grade id.
- ``submit(notebook, user=None, grade=True)``: a Submission, graded by the inline
  task queue when the transaction commits unless ``grade=False``.
- ``cohort_enrol(user)``: the user enrolled in the assignment's cohort.
- ``manual_assignment``: ``assignment`` plus a written answer a person grades.
- ``formgrader_accounts``: deletes the formgrader accounts of this run's
  cohorts after the test (recorded by tests/factories.py);
  ``formgrader_grades(cohort, student)`` and ``formgrader_grade(cohort, student,
  cell, points, comment="")`` read and write that gradebook as the grader account.
- ``backend``: the task backend for real workers (``db``; parametrize with
  ``["db", "rq"]`` through ``indirect``), leases of LEASE_S seconds.
- ``worker()``: starts a task worker process (``db_worker`` or ``rqworker``) on
  the test database; ``wait_for(condition, what)`` polls.
Tests using them need ``django_db(transaction=True, serialized_rollback=True)``:
workers grade in their own threads and database connections.
"""

import json
import os
import pwd
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from django.db import connection
from django.test import override_settings
from nbformat.v4 import new_code_cell, new_markdown_cell

from courses.grading.models import Assignment, Submission
from courses.grading.services.assignments import assignment_release, assignment_save
from courses.grading.services.submissions import submission_create
from tests.factories import UserFactory
from tests.jupyter.conftest import sandbox  # noqa: F401 - a fixture
from tests.runs import delete_account, record_file

SOURCE = Path(__file__).parents[1] / "jupyter" / "fixtures" / "source" / "ps1"
WRONG_SQUARES = "def squares(n):\n    return [i for i in range(1, n + 1)]"
# Right on the visible tests (n = 1, 3), wrong on the hidden ones (n = 0 ...).
HIDDEN_ONLY = (
    "def squares(n):\n    return [1] if n == 1 else [1, 4, 9] if n == 3 else None"
)


def sources() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in SOURCE.iterdir() if p.is_file()}


@pytest.fixture
def grading_on(settings, tmp_path, sandbox):  # noqa: F811 - the fixture above
    settings.GRADING_ENABLED = True
    settings.GRADING_DIR = tmp_path / "grading"
    settings.GRADING_CONCURRENCY = 2
    return settings


@pytest.fixture
def assignment(cohort_factory, django_capture_on_commit_callbacks, grading_on):
    cohort = cohort_factory(seats=100)
    assignment = Assignment(
        cohort=cohort, name="ps1", title="Problem set 1", timeout_per_cell=3
    )
    with django_capture_on_commit_callbacks(execute=True):
        assignment_save(assignment=assignment, sources=sources())
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.READY, assignment.problems
    return assignment_release(assignment=assignment)


@pytest.fixture
def answer(assignment):
    """``answer(squares=..., before=[...])``: the learner's ps1.ipynb bytes."""
    release = assignment.files.get(kind="release", path="ps1.ipynb")
    solutions = {
        cell.metadata.nbgrader.grade_id: cell.source
        for cell in nbformat.read(SOURCE / "ps1.ipynb", as_version=4).cells
    }

    def make(*, before=(), cells=None, **answers) -> bytes:
        with release.file.open("rb") as handle:
            nb = nbformat.reads(handle.read().decode(), as_version=4)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if cell.metadata.get("nbgrader", {}).get("solution"):
                cell.source = answers.get(grade_id, solutions.get(grade_id, "Mine."))
        nb.cells[:0] = [new_code_cell(code) for code in before]
        if cells:
            nb.cells += [new_code_cell(f"x = {i}") for i in range(cells)]
        return nbformat.writes(nb).encode()

    return make


@pytest.fixture
def submit(assignment, cohort_enrol):
    """``submit(notebook_bytes, user=None)``: submitted, and graded by the inline
    queue when the transaction commits unless ``grade=False``."""

    def make(notebook: bytes, user=None, grade=True) -> Submission:
        user = user or cohort_enrol(UserFactory())
        with override_settings(GRADING_ENABLED=grade):
            outcome = submission_create(
                user=user,
                assignment=assignment,
                files={"ps1.ipynb": notebook, "numbers.txt": b"1\n2\n3\n4\n5\n"},
                source=Submission.Source.UPLOAD,
            )
        outcome.submission.refresh_from_db()
        return outcome.submission

    return make


@pytest.fixture
def cohort_enrol(assignment):
    from courses.enrollment.services import enrollment_create

    def enrol(user):
        enrollment_create(user=user, cohort=assignment.cohort)
        return user

    return enrol


EXPLAIN = {
    "grade": True,
    "grade_id": "explain",
    "locked": False,
    "points": 2,
    "schema_version": 3,
    "solution": True,
    "task": False,
}


def with_written_answer(files: dict[str, bytes]) -> dict[str, bytes]:
    """ps1 plus a written answer that a person grades (2 points)."""
    nb = nbformat.reads(files["ps1.ipynb"].decode(), as_version=4)
    cell = new_markdown_cell("Explain your squares. YOUR ANSWER HERE")
    cell.metadata["nbgrader"] = EXPLAIN
    nb.cells.append(cell)
    return {**files, "ps1.ipynb": nbformat.writes(nb).encode()}


@pytest.fixture
def manual_assignment(assignment, django_capture_on_commit_callbacks):
    """``assignment`` with a written answer (grade id "explain", 2 points)."""
    with django_capture_on_commit_callbacks(execute=True):
        assignment_save(assignment=assignment, sources=with_written_answer(sources()))
    assignment.refresh_from_db()
    assert assignment.state == "ready", assignment.problems
    return assignment


ROOT = Path(__file__).parents[2]
LEASE_S = 4


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    host = db.get("HOST") or "127.0.0.1"
    return f"postgres://{db['USER']}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


def redis_url() -> str:
    """Redis database 14: the tests' own queue (15 is their cache)."""
    return os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/14"


@pytest.fixture(params=["db"])
def backend(request, settings, assignment, answer):
    """The task backend real workers use: ``db`` (django-tasks-db) unless a test
    parametrizes it with ``rq`` too. The assignment is checked before, by the
    inline queue."""
    settings.GRADING_ENABLED = True
    if request.param == "rq":
        if not os.environ.get("REDIS_URL"):
            pytest.skip(reason="RQ needs Redis: set REDIS_URL (CI does).")
        import django_rq

        settings.RQ_QUEUES = {"default": {"URL": redis_url()}}
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}
        }
        django_rq.get_queue("default").empty()
    else:
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.GRADING_LEASE_SECONDS = LEASE_S
    return request.param


@pytest.fixture
def worker(backend, settings, tmp_path):
    """``worker()`` starts a task worker process; all stop after the test."""
    started = []
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
        "DATABASE_URL": database_url(),
        "DATA_DIR": str(tmp_path / "data"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "GRADING_DIR": str(settings.GRADING_DIR),
        "GRADING_CONCURRENCY": "2",
        "GRADING_LEASE_SECONDS": str(LEASE_S),
        "TASKS_BACKEND": backend,
        "DJANGO_DEBUG": "0",
    }
    if backend == "rq":
        command = ["rqworker", "default", "--job-class", "django_tasks_rq.Job"]
        env["REDIS_URL"] = redis_url()
    else:
        command = ["db_worker", "--no-reload", "--interval", "0.2"]

    def start() -> subprocess.Popen:
        log = (tmp_path / f"worker-{len(started)}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def wait_for(condition, what: str, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


# The cohort's formgrader course (courses/services/formgrader.py) -------------

GRADEBOOK_SCRIPT = """
import json, os, sys
from nbgrader.api import Gradebook
state = json.load(open(os.path.expanduser("~/.lms-formgrader.json")))
url = "sqlite:///" + os.path.expanduser("~/course/gradebook.db")
student, cell, points, comment = sys.argv[1:5]
with Gradebook(url, course_id=state["course_id"]) as gb:
    notebook = gb.find_submission_notebook("ps1", "ps1", student)
    grades = {g.name: g for g in notebook.grades}
    if points != "-":  # as the formgrader's grade API does
        grades[cell].manual_score = float(points)
        grades[cell].needs_manual_grade = False
    if comment:  # … and its comment API
        next(c for c in notebook.comments if c.name == cell).manual_comment = comment
    gb.db.commit()
    print(json.dumps({
        name: {"manual": g.manual_score, "auto": g.auto_score,
               "needs_manual": bool(g.needs_manual_grade)}
        for name, g in grades.items()
    }))
"""


def _as_grader(cohort, *args: str) -> dict:
    from courses.jupyter.config import LAB_PYTHON
    from courses.jupyter.names import grader_user, system_user

    account = pwd.getpwnam(system_user(grader_user(cohort.lab_course_id)))
    done = subprocess.run(
        [str(LAB_PYTHON), "-I", "-c", GRADEBOOK_SCRIPT, *args],
        user=account.pw_uid,
        group=account.pw_gid,
        extra_groups=[],
        env={"HOME": account.pw_dir, "PATH": "/usr/bin:/bin"},
        cwd=account.pw_dir,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def formgrader_grades(cohort, student: str) -> dict:
    """Each grade of ``student``'s ps1 in the formgrader's gradebook."""
    return _as_grader(cohort, student, "", "-", "")


def formgrader_grade(
    cohort, student: str, cell: str, points: float, comment: str = ""
) -> dict:
    """Give ``points`` (and a comment) by hand in the formgrader's gradebook, as
    its account."""
    return _as_grader(cohort, student, cell, str(points), comment)


@pytest.fixture
def formgrader_accounts():
    """After the test, the formgrader accounts of this run's cohorts are deleted
    (recorded by tests/factories.py): only those, never another run's or a
    running LMS's (tests/runs.py)."""
    yield
    if record_file().exists():
        for name in dict.fromkeys(record_file().read_text().split()):
            if "-grader_" in name:
                delete_account(name)
