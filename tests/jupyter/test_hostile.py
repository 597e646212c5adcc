"""Hostile submissions: each ends with a sane result and nothing escapes.

All are graded once, two at a time through a GradingPool (as a worker would),
by the module fixture ``graded``; each test then checks one of them. The worker's
own environment holds fake secrets, which must never reach a learner's kernel.
"""

import copy
import json
import os
import secrets
import time
from pathlib import Path

import nbformat
import pytest

from courses.jupyter import (
    COULD_NOT_GRADE,
    GRADED,
    GradingPool,
    SandboxLimits,
    grade_submission,
)
from tests.hub_config import unix_sockets
from tests.jupyter.conftest import SAWARNING, leftovers, page_text

pytestmark = [SAWARNING]

SECRETS = {
    "SECRET_KEY": "fake-django-secret-7d1c",
    "DATABASE_URL": "postgres://lms:fake-db-password-93af@127.0.0.1:5432/lms",
}
LIMITS = SandboxLimits(
    timeout_per_cell=3,
    timeout_per_notebook=20,
    memory_bytes=1024**3,
    max_processes=128,
    file_size_bytes=50 * 1024**2,
    tmp_bytes=32 * 1024**2,
    output_bytes=1024**2,
)
CANARY = "HIDDEN-CANARY-squares-empty"

LOOP = "while True:\n    pass"
LOOP_IGNORING_INTERRUPTS = (
    "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n" + LOOP
)
FORK_BOMB = "import os\nwhile True:\n    os.fork()"
ALLOCATE_64_GB = "x = bytearray(64 * 1024**3)"
WRITE_10_GB = """
import errno
def fill(path, gigabytes=10):
    chunk = b"0" * 2**24
    try:
        with open(path, "wb") as f:
            for _ in range(gigabytes * 64):
                f.write(chunk)
    except OSError as e:
        print(path, errno.errorcode[e.errno])
fill("big.bin")
fill("/tmp/big.bin")
"""
# The TCP attempt targets this machine's PostgreSQL port; the outside address
# is tried with UDP connect(), which sends no packet even where a route exists.
NETWORK = """
import errno, socket
for kind, address in [(socket.SOCK_STREAM, ("127.0.0.1", 5432)),
                      (socket.SOCK_DGRAM, ("192.0.2.1", 53))]:
    s = socket.socket(socket.AF_INET, kind)
    try:
        s.connect(address)
        print(address, "CONNECTED")
    except OSError as e:
        print(address, errno.errorcode[e.errno])
print("interfaces", [name for _, name in socket.if_nameindex()])
"""
ENVIRONMENT = """
import os
print(sorted(os.environ))
print(os.environ.get("SECRET_KEY"), os.environ.get("DATABASE_URL"))
for path in ["/proc/1/environ", "/proc/self/environ"]:
    try:
        print(path, open(path, "rb").read())
    except OSError as e:
        print(path, type(e).__name__)
print("niceness", os.nice(0))
try:
    os.nice(-5)
except OSError as e:
    print("renice", type(e).__name__)
"""
KILL_PARENT = """
import os
for pid in (os.getppid(), 1):
    try:
        os.kill(pid, 9)
    except OSError as e:
        print(pid, type(e).__name__)
"""
KILL_OWN_KERNEL = "import os\nos.kill(os.getpid(), 9)"
PRINT_100_MB = "for _ in range(10):\n    print('x' * 10_000_000)"
PRINT_3_MB = "for _ in range(30):\n    print('y' * 100_000)"
# Learner code called by the hidden test prints the test's source, and a later
# cell prints the kernel's input history, which holds it too.
STEAL_HIDDEN_TESTS = """
import inspect, linecache
def squares(n):
    caller = inspect.stack()[1]
    print("STOLEN", "".join(linecache.getlines(caller.filename)))
    return [i * i for i in range(1, n + 1)]
"""
PRINT_HISTORY = "print('HISTORY', get_ipython().user_ns['In'])"


def read_files(course) -> str:
    paths = [
        course.root / "source" / "ps1" / "ps1.ipynb",
        course.root / "submitted" / "alice" / "ps1" / "ps1.ipynb",
        course.root / "autograded" / "alice" / "ps1" / "ps1.ipynb",
        course.root / "gradebook.db",
        "/work/main/pyproject.toml",  # world-readable on the host
        "/var/lib/lms-grader",
    ]
    return f"""
import os
for path in {[str(p) for p in paths]!r}:
    try:
        data = os.listdir(path) if os.path.isdir(path) else open(path).read()
        print(path, "READ", len(data))
    except OSError as e:
        print(path, type(e).__name__)
"""


def jobs(course, submission) -> dict[str, bytes]:
    return {
        "loop": submission(before=[LOOP]),
        "loop_ignoring_interrupts": submission(before=[LOOP_IGNORING_INTERRUPTS]),
        "fork_bomb": submission(before=[FORK_BOMB]),
        "allocate_64_gb": submission(before=[ALLOCATE_64_GB]),
        "write_10_gb": submission(before=[WRITE_10_GB]),
        "network": submission(before=[NETWORK]),
        "environment": submission(before=[ENVIRONMENT]),
        "read_files": submission(before=[read_files(course)]),
        "kill_parent": submission(before=[KILL_PARENT]),
        "kill_own_kernel": submission(before=[KILL_OWN_KERNEL]),
        "print_100_mb": submission(before=[PRINT_100_MB]),
        "print_3_mb": submission(before=[PRINT_3_MB]),
        "steal_hidden_tests": submission(
            answers={"squares": STEAL_HIDDEN_TESTS}, after=[PRINT_HISTORY]
        ),
        "malformed_json": b'{"cells": [{"cell_type": "code", "source": ',
        "ten_thousand_cells": submission(after=["x = 1"] * 10_000),
        "plant_files": submission(before=[PLANT_FILES]),
    }


PLANT_FILES = """
for path in ["planted.txt", "/tmp/planted.txt", "/dev/shm/planted.txt"]:
    open(path, "w").write("left for the next learner")
import subprocess
subprocess.Popen(["sleep", "600"], start_new_session=True)
"""
LOOK_FOR_PLANTED = (
    "import os\nprint('FOUND', os.listdir('.'), os.listdir('/tmp'), "
    "os.listdir('/dev/shm'))"
)


class Graded:
    def __init__(self, course, results, seconds):
        self.course, self.results, self.seconds = course, results, seconds

    def result(self, student):
        return self.results[student]

    def autograded(self, student):
        path = self.course.root / "autograded" / student / "ps1" / "ps1.ipynb"
        return nbformat.read(path, as_version=4)

    def first_output(self, student) -> str:
        return json.dumps(self.autograded(student).cells[0].outputs)


@pytest.fixture(scope="module")
def graded(sandbox, course_factory, submission):
    course = course_factory()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in SECRETS.items():
            patch.setenv(name, value)
        first = grade_submission(
            course=course, assignment="ps1", student="alice",
            notebooks={"ps1": submission()}, limits=LIMITS,
        )  # fmt: skip
        assert first.score == 4
        results, seconds = grade_all(course, jobs(course, submission))
    return Graded(course, results, seconds)


def grade_all(course, notebooks):
    started = time.monotonic()
    with GradingPool(concurrency=2) as pool:
        futures = {
            student: pool.submit(
                grade_submission,
                course=course,
                assignment="ps1",
                student=student,
                notebooks={"ps1": notebook},
                limits=LIMITS,
            )  # fmt: skip
            for student, notebook in notebooks.items()
        }
        results = {student: future.result() for student, future in futures.items()}
    return results, {s: r.seconds for s, r in results.items()} | {
        "all": time.monotonic() - started
    }


def test_a_loop_is_interrupted_at_the_cell_timeout(graded):
    result = graded.result("loop")
    assert (result.notebooks[0].status, result.score) == (GRADED, 4)
    assert "KeyboardInterrupt" in graded.first_output("loop")


def test_a_loop_ignoring_interrupts_is_cut_by_the_notebook_limit(graded):
    result = graded.result("loop_ignoring_interrupts")
    notebook = result.notebooks[0]
    assert (notebook.status, result.score) == (GRADED, 0)
    assert any("stopped responding" in e for e in notebook.errors)
    assert result.seconds < LIMITS.timeout_per_notebook + 15


def test_a_fork_bomb_is_stopped_by_the_process_limit(graded):
    result = graded.result("fork_bomb")
    assert result.notebooks[0].status == GRADED
    # On a loaded machine the bomb may outlast its cell's timeout and leave the
    # kernel too slow to answer: then the rest is not run, and the result says so.
    assert result.score == 4 or result.errors, result
    assert "BlockingIOError" in graded.first_output("fork_bomb") or (
        "KeyboardInterrupt" in graded.first_output("fork_bomb")
    )


def test_allocating_64_gb_raises_memory_error(graded):
    assert graded.result("allocate_64_gb").score == 4
    assert '"ename": "MemoryError"' in graded.first_output("allocate_64_gb")


def test_writing_10_gb_stops_at_the_file_size_limit(graded):
    assert graded.result("write_10_gb").score == 4
    output = graded.first_output("write_10_gb")
    assert "big.bin EFBIG" in output and "/tmp/big.bin ENOSPC" in output


def test_there_is_no_network_not_even_loopback(graded):
    assert graded.result("network").score == 4
    output = graded.first_output("network")
    assert "5432) ENETUNREACH" in output and "53) ENETUNREACH" in output
    assert "CONNECTED" not in output and "interfaces ['lo']" in output


def test_the_kernel_sees_none_of_the_workers_secrets(graded):
    assert graded.result("environment").score == 4
    output = graded.first_output("environment")
    assert "None None" in output and "/proc/1/environ PermissionError" in output
    # It runs below the LMS's priority and cannot raise its own.
    assert "niceness 10" in output and "renice PermissionError" in output
    feedback = page_text(graded.result("environment").notebooks[0].feedback_html)
    for value in SECRETS.values():
        assert value not in output and value not in feedback


def test_source_gradebook_and_other_learners_files_are_unreadable(graded):
    assert graded.result("read_files").score == 4
    output = graded.first_output("read_files")
    assert "READ" not in output
    assert output.count("PermissionError") == 5  # root-only course dir, 0711 jobs
    assert "pyproject.toml FileNotFoundError" in output  # /work is hidden


def test_killing_the_parent_is_refused(graded):
    assert graded.result("kill_parent").score == 4
    assert graded.first_output("kill_parent").count("PermissionError") == 2


def test_a_kernel_that_kills_itself_is_left_for_grading_by_hand(graded):
    # As ``nbgrader autograde`` does (tests/jupyter/test_grading.py compares).
    notebook = graded.result("kill_own_kernel").notebooks[0]
    assert (notebook.status, notebook.needs_manual_grade) == (COULD_NOT_GRADE, True)
    assert any("kernel died" in error for error in notebook.errors)


def test_printing_100_mb_keeps_the_grades_and_little_output(graded):
    # Under a 1 GiB address space the kernel may fail to serialise 100 MB of
    # buffered output (MemoryError, printed to stderr) or send it and have it
    # cut: either way the grades stand and the pages stay small.
    result = graded.result("print_100_mb")
    assert result.score == 4
    autograded = graded.course.root / "autograded" / "print_100_mb" / "ps1"
    assert (autograded / "ps1.ipynb").stat().st_size < 2 * LIMITS.output_bytes
    assert result.notebooks[0].feedback_html.stat().st_size < 3 * LIMITS.output_bytes


def test_output_past_the_limit_is_dropped_with_a_note(graded):
    result = graded.result("print_3_mb")
    assert result.score == 4
    assert any("Output truncated" in error for error in result.errors)
    output = graded.first_output("print_3_mb")
    assert "[Output truncated" in output and len(output) < 1.1 * LIMITS.output_bytes


def test_code_that_prints_the_hidden_tests_leaks_nothing_into_feedback(graded):
    result = graded.result("steal_hidden_tests")
    assert result.score == 4
    autograded = json.dumps(graded.autograded("steal_hidden_tests").cells)
    assert "STOLEN" in autograded and "HISTORY" in autograded  # the attempt ran
    feedback = page_text(result.notebooks[0].feedback_html)
    assert CANARY not in feedback and "squares(10)" not in feedback


def test_malformed_json_could_not_be_graded(graded):
    notebook = graded.result("malformed_json").notebooks[0]
    assert (notebook.status, notebook.needs_manual_grade) == (COULD_NOT_GRADE, True)
    assert "not a readable notebook" in notebook.errors[0]


def test_ten_thousand_cells_could_not_be_graded_quickly(graded):
    result = graded.result("ten_thousand_cells")
    assert result.notebooks[0].status == COULD_NOT_GRADE
    assert "10007 cells" in result.errors[0]
    assert result.seconds < 10


def test_nothing_survives_and_the_next_learner_grades_normally(
    graded, sandbox, submission
):
    assert leftovers(sandbox) == []

    result = grade_submission(
        course=graded.course, assignment="ps1", student="next",
        notebooks={"ps1": submission(before=[LOOK_FOR_PLANTED])}, limits=LIMITS,
    )  # fmt: skip

    assert (result.score, result.errors) == (4, ())
    output = graded.first_output("next")
    assert "planted" not in output and "numbers.txt" in output


def test_two_lanes_grade_faster_than_one_would(graded):
    # Every job of the batch, one after another, against the batch's wall time.
    jobs = {k: v for k, v in graded.seconds.items() if k != "all"}
    assert graded.seconds["all"] < 0.8 * sum(jobs.values())


# The machine's database sockets, a socket root leaves listening in /run and in
# /tmp, an abstract one, and every listening socket of the machine: a named
# socket is reachable by path from any network namespace, if it can be seen.
DATABASE_SOCKETS = ("/var/run/postgresql/.s.PGSQL.5432", "/run/mysqld/mysqld.sock")


def try_sockets(targets: list[str]) -> str:
    return f"""{Path(unix_sockets.__file__).read_text()}
import copy
import json
work = os.getcwd()
print("SOCKETS", json.dumps({{
    "targets": attempts({targets!r} + listed_sockets(),
                        skip_under=os.path.dirname(work)),
    "own": own_sockets([work, "/tmp", "abstract"]),
}}))
"""


def test_no_unix_socket_outside_the_job_is_reachable(sandbox, course_factory,
                                                      submission):  # fmt: skip
    course = course_factory()
    with unix_sockets.planted_sockets(secrets.token_hex(4)) as planted:
        databases = [path for path in DATABASE_SOCKETS if os.path.exists(path)]
        targets = planted + databases + unix_sockets.listed_sockets()
        result = grade_submission(
            course=course, assignment="ps1", student="sockets", limits=LIMITS,
            notebooks={"ps1": submission(before=[try_sockets(targets)])},
        )  # fmt: skip

    assert (result.score, result.errors) == (4, ())
    autograded = course.root / "autograded" / "sockets" / "ps1" / "ps1.ipynb"
    text = nbformat.read(autograded, as_version=4).cells[0].outputs[0]["text"]
    seen = json.loads(text.split("SOCKETS", 1)[1])
    refused = {"ENOENT", "EACCES", "EPERM", "ECONNREFUSED"}
    assert set(targets) <= set(seen["targets"])
    assert {a: e for a, e in seen["targets"].items() if e not in refused} == {}
    assert {seen["targets"][path] for path in databases} <= {"ENOENT"}
    assert set(seen["own"].values()) == {"connected"}  # its own still work


# -- notebooks that break nbgrader's gradebook ----------------------------------
# Each ends at once with a reason and waits for a person, as ``nbgrader
# autograde`` leaves them (it stops with an error); what nbgrader repairs by
# itself (duplicate cell ids) is graded as it grades it.


def edited(notebook: bytes, edit) -> bytes:
    nb = nbformat.reads(notebook.decode(), as_version=4)
    edit(nb)
    return json.dumps(nb).encode()  # as written, not validated (or repaired)


def nbgrader_cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.nbgrader.get("grade_id") == grade_id)


def same_cell_ids(nb):
    for cell in nb.cells:
        cell.id = "same"


def grade_cell_twice(nb):
    nb.cells.append(copy.deepcopy(nbgrader_cell(nb, "test_mean")))


def points_removed(nb):
    del nbgrader_cell(nb, "test_squares").metadata.nbgrader["points"]


def output_50_mb(nb):
    nb.cells[1].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="z" * 50 * 1024**2)
    ]


@pytest.fixture(scope="module")
def bad_input(sandbox, course_factory, submission):
    course = course_factory()
    notebooks = {
        "same_cell_ids": edited(submission(), same_cell_ids),
        "grade_cell_twice": edited(submission(), grade_cell_twice),
        "points_removed": edited(submission(), points_removed),
        "output_50_mb": edited(submission(), output_50_mb),
    }
    results, _seconds = grade_all(course, notebooks)
    return results


@pytest.mark.filterwarnings("ignore:Non-unique cell id")
def test_duplicate_cell_ids_are_repaired_and_graded_as_nbgrader_does(bad_input):
    result = bad_input["same_cell_ids"]
    assert (result.notebooks[0].status, result.score, result.errors) == (GRADED, 4, ())


@pytest.mark.parametrize(
    ("student", "reason"),
    [
        ("grade_cell_twice", "grade id 'test_mean' used twice"),
        ("points_removed", "grade cell 'test_squares' without points"),
        ("output_50_mb", f"larger than {SandboxLimits().notebook_bytes} bytes"),
    ],
)
def test_a_notebook_nbgrader_cannot_grade_waits_for_a_person_with_the_reason(
    bad_input, student, reason
):
    result = bad_input[student]
    notebook = result.notebooks[0]
    assert (notebook.status, notebook.needs_manual_grade) == (COULD_NOT_GRADE, True)
    assert all(cell.auto_score is None for cell in notebook.cells)
    assert reason in " ".join(result.errors)
    assert result.seconds < 15  # refused before any kernel starts
