"""Autograding 40 submissions: the ``nbgrader autograde`` command against the LMS.

Run from the repository root, as root (the grading sandbox needs it):
``.venv/bin/python bench/autograde.py``.

The same 40 notebooks of the test fixture ``ps1`` (24 correct, 10 wrong, 5
raising an exception in an answer cell, 1 looping forever in one) are graded in
one run, two ways:

(a) the way courses run it today: one ``nbgrader autograde ps1 --force`` command
    over the whole batch in an nbgrader course directory (``submitted/<student>/
    ps1/``), cell timeout 3 s (``--Execute.timeout``, the trait nbgrader 0.9's
    Execute step declares). It runs the notebooks unsandboxed, in the venv's
    kernel: they are this bench's own. Scores are read with nbgrader's Gradebook.
(b) the LMS pipeline: the notebooks are the submissions of 40 enrolled learners
    (assignment time limit 3 s a cell), graded by ``grading_run`` in this process,
    the task worker's code path, with the default GRADING_CONCURRENCY pool of
    sandboxed kernels. Scores are the learners' Submission.score/max_score.

Outside both clocks: generating the assignment (nbgrader generate_assignment for
(a); building the cohort's course directory for (b)) and the worker's imports.
Inside: everything else, the command's own start-up for (a) included. Then
the floor: the median of 5 bare nbclient runs of a one-cell notebook, a fresh
(unsandboxed) kernel each, against the median Submission.grading_seconds.

The LMS side uses its own PostgreSQL database (``lms_bench_autograde``, made
anew, dropped at the end) as bench/exchange.py does; files go to a temporary
directory. Output also goes to ``bench/results/autograde.txt``; the last line
is ``RESULT autograde ratio=<lms / cli throughput> per_nb_vs_bare=<x>
same_scores=<true|false>``.

Environment (optional): BENCH_PG (postgresql://postgres@127.0.0.1:5432);
BENCH_DB (lms_bench_autograde; must start with ``lms_bench``); BENCH_OUT (the
output file); for tests and experiments only (the RESULT line is then not the
issue's measurement): BENCH_SUBMISSIONS (40; fewer take one of each kind first,
then correct ones), BENCH_BARE_RUNS (5), BENCH_GRADING_CONCURRENCY (another
pool width than the default).
"""

import decimal
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.database import (  # noqa: E402
    database_create,
    database_drop,
    database_name,
    lms_environment,
)

RESULTS = Path(
    os.environ.get("BENCH_OUT", ROOT / "bench" / "results" / "autograde.txt")
)
SOURCE = ROOT / "tests" / "jupyter" / "fixtures" / "source" / "ps1"
VENV_BIN = ROOT / ".venv" / "bin"
DB_NAME = database_name("lms_bench_autograde")
ASSIGNMENT = "ps1"
CELL_TIMEOUT = 3
BARE_RUNS = int(os.environ.get("BENCH_BARE_RUNS", "5"))
SUBMISSIONS = int(os.environ.get("BENCH_SUBMISSIONS", "40"))
CONCURRENCY = os.environ.get("BENCH_GRADING_CONCURRENCY", "")

# What each kind of submission puts in the answer cells (grade_id -> source);
# the expected score out of 4 is for the summary only, not for same_scores.
WRONG_SQUARES = "def squares(n):\n    return [i for i in range(1, n + 1)]\n"
WRONG_MEAN = "def mean(xs):\n    return sum(xs) / (len(xs) + 1)\n"
KINDS = {
    "correct": ({}, 4),
    "wrong squares": ({"squares": WRONG_SQUARES}, 2),
    "wrong mean": ({"mean": WRONG_MEAN}, 3),
    "raises in squares": ({"squares": 'raise ValueError("not done yet")\n'}, 2),
    "raises in total": ({"total": "import no_such_module_here\n"}, 3),
    "loops in mean": ({"mean": "while True:\n    pass\n"}, 3),
}
MIX = [
    *["correct"] * 24,
    *["wrong squares"] * 5,
    *["wrong mean"] * 5,
    *["raises in squares"] * 3,
    *["raises in total"] * 2,
    "loops in mean",
]
if SUBMISSIONS != len(MIX):
    MIX = (list(KINDS) + ["correct"] * SUBMISSIONS)[:SUBMISSIONS]
_lines: list[str] = []


def say(text: str = "") -> None:
    print(text, flush=True)
    _lines.append(text)


def cpu(who: int) -> float:
    """CPU seconds (user + system) of this process or of its reaped children."""
    used = resource.getrusage(who)
    return used.ru_utime + used.ru_stime


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


# The LMS side -------------------------------------------------------------------


def environment(data_dir: Path) -> dict[str, str]:
    env = lms_environment(
        DB_NAME,
        data_dir,
        GRADING_DIR=str(data_dir / "grading"),
        GRADING_ENABLED="false",  # submitted now, graded by the timed run
        MAILER="file",
    )
    env.pop("GRADING_CONCURRENCY", None)  # the default worker setup ...
    if CONCURRENCY:  # ... unless an experiment asks for another
        env["GRADING_CONCURRENCY"] = CONCURRENCY
    return env


def lms_setup(students: list[str]):
    """A released ps1 (3 s a cell) in a cohort of 40 enrolled learners."""
    from wagtail.models import Page

    from courses.enrollment.services import enrollment_create
    from courses.grading.models import Assignment
    from courses.grading.services.assignments import (
        assignment_check,
        assignment_release,
        assignment_save,
    )
    from tests.factories import (
        CataloguePageFactory,
        CohortFactory,
        TrackPageFactory,
        UserFactory,
    )

    catalogue = CataloguePageFactory(parent=Page.get_first_root_node(), slug="bench")
    track = TrackPageFactory(parent=catalogue)
    cohort = CohortFactory(seats=len(students), course__parent=track)
    assignment = Assignment(
        cohort=cohort,
        name=ASSIGNMENT,
        title="Problem set 1",
        timeout_per_cell=CELL_TIMEOUT,
    )
    sources = {p.name: p.read_bytes() for p in SOURCE.iterdir() if p.is_file()}
    assignment_save(assignment=assignment, sources=sources)
    assignment.refresh_from_db()
    if assignment.state != Assignment.State.READY:
        assignment_check(assignment_id=assignment.pk)
        assignment.refresh_from_db()
    if assignment.state != Assignment.State.READY:
        raise SystemExit(f"The assignment is not ready: {assignment.problems}")
    assignment = assignment_release(assignment=assignment)
    users = []
    for name in students:
        person = UserFactory(username=name, email=f"{name}@example.org")
        enrollment_create(user=person, cohort=cohort)
        users.append(person)
    return assignment, users


def lms_submit(assignment, users, notebooks: list[bytes]) -> list[int]:
    from courses.grading.models import Submission
    from courses.grading.services.submissions import submission_create

    numbers = (SOURCE / "numbers.txt").read_bytes()
    ids = []
    for user, notebook in zip(users, notebooks, strict=True):
        outcome = submission_create(
            user=user,
            assignment=assignment,
            files={f"{ASSIGNMENT}.ipynb": notebook, "numbers.txt": numbers},
            source=Submission.Source.UPLOAD,
        )
        ids.append(outcome.submission.pk)
    return ids


def lms_grade(assignment, ids: list[int]) -> tuple[float, float, dict[str, int]]:
    """The worker's code path, timed; the course directory is built before.
    Wall seconds, the worker's CPU seconds (its threads: nbgrader, the ORM)
    and the outcomes. The kernels' CPU is not counted: their namespaces are
    killed, never reaped by this process."""
    from courses.grading.services.autograde import grading_run
    from courses.grading.services.workspace import grading_course
    from courses.jupyter import grading as _engine  # noqa: F401 - nbgrader imports

    grading_course(assignment)
    started, cpu_before = time.monotonic(), cpu(resource.RUSAGE_SELF)
    outcomes = grading_run(submission_ids=ids)
    seconds, used = time.monotonic() - started, cpu(resource.RUSAGE_SELF) - cpu_before
    return seconds, used, {str(k): n for k, n in outcomes.items()}


def lms_scores(ids: list[int]) -> dict[str, tuple]:
    from courses.grading.models import Submission

    found = Submission.objects.filter(pk__in=ids).select_related("user")
    return {
        s.user.username: (
            s.score,
            s.max_score,
            s.status,
            s.grading_seconds,
            s.grading_error,
        )
        for s in found
    }


# The nbgrader command -----------------------------------------------------------


def cli_env() -> dict[str, str]:
    # nbgrader runs `alembic` to make the gradebook: the venv's bin on PATH.
    return {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}"}


def cli_course(root: Path) -> Path:
    """An nbgrader course with ps1 generated by the command, as instructors do."""
    course = root / "cli"
    shutil.copytree(SOURCE, course / "source" / ASSIGNMENT)
    subprocess.run(
        [VENV_BIN / "nbgrader", "generate_assignment", ASSIGNMENT, "--force"],
        cwd=course,
        env=cli_env(),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return course


def cli_place(course: Path, students: list[str], notebooks: list[bytes]) -> None:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S.000000 UTC", time.gmtime())
    for student, notebook in zip(students, notebooks, strict=True):
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / f"{ASSIGNMENT}.ipynb").write_bytes(notebook)
        shutil.copyfile(SOURCE / "numbers.txt", folder / "numbers.txt")
        (folder / "timestamp.txt").write_text(stamp)


def cli_grade(course: Path) -> tuple[float, float]:
    """Wall seconds, and CPU seconds of the command and its kernels."""
    command = [
        VENV_BIN / "nbgrader", "autograde", ASSIGNMENT, "--force",
        f"--Execute.timeout={CELL_TIMEOUT}",
    ]  # fmt: skip
    log = course.parent / "nbgrader-autograde.log"
    started, cpu_before = time.monotonic(), cpu(resource.RUSAGE_CHILDREN)
    with log.open("wb") as out:
        done = subprocess.run(
            command, cwd=course, env=cli_env(), stdout=out, stderr=out, check=False
        )
    seconds = time.monotonic() - started
    used = cpu(resource.RUSAGE_CHILDREN) - cpu_before
    if done.returncode:
        say(f"  nbgrader autograde exited {done.returncode}; its log ends:")
        for line in log.read_text(errors="replace").splitlines()[-15:]:
            say(f"    {line}")
    return seconds, used


def cli_scores(course: Path, students: list[str]) -> dict[str, tuple]:
    from nbgrader.api import Gradebook, MissingEntry

    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in students:
            try:
                found = gb.find_submission(ASSIGNMENT, student)
            except MissingEntry:
                scores[student] = (None, None)
                continue
            scores[student] = (found.score, found.max_score)
    return scores


# The notebooks and the floor ----------------------------------------------------


def submissions(release: bytes) -> list[bytes]:
    """The learners' notebooks, one per entry of MIX (in a shuffled order)."""
    solutions = {
        cell.metadata.nbgrader.grade_id: cell.source
        for cell in nbformat.read(SOURCE / f"{ASSIGNMENT}.ipynb", as_version=4).cells
    }
    made = []
    for kind in MIX:
        answers, _expected = KINDS[kind]
        nb = nbformat.reads(release.decode(), as_version=4)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution"):
                grade_id = meta["grade_id"]
                cell.source = answers.get(grade_id, solutions[grade_id])
        made.append(nbformat.writes(nb).encode())
    return made


def bare_nbclient_seconds() -> float:
    nb = new_notebook(cells=[new_code_cell("1+1")])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3"}
    times = []
    for _ in range(BARE_RUNS):
        started = time.monotonic()
        # stderr: the kernel's warning about unencrypted TCP, once a run.
        NotebookClient(nb, timeout=30).execute(stderr=subprocess.DEVNULL)
        times.append(time.monotonic() - started)
    return statistics.median(times)


def points(value) -> decimal.Decimal | None:
    return None if value is None else decimal.Decimal(str(round(float(value), 2)))


def compare(kinds, cli: dict, lms: dict) -> tuple[bool, list[str]]:
    """Per learner: the same score and maximum, and graded (not failed)."""
    differences = []
    for student, kind in kinds.items():
        cli_score, cli_max = map(points, cli[student])
        score, max_score, status = lms[student][:3]
        if (cli_score, cli_max) != (score, max_score) or status != "graded":
            differences.append(
                f"{student} ({kind}): nbgrader {cli_score}/{cli_max}, "
                f"LMS {score}/{max_score} ({status})"
            )
    return not differences, differences


def shown(score) -> str:
    return "none" if score is None else f"{float(score):g}"


def summary(kinds: dict[str, str], cli: dict, lms: dict) -> None:
    for kind in KINDS:
        who = [s for s, k in kinds.items() if k == kind]
        expected = KINDS[kind][1]
        got_cli = sorted({shown(cli[s][0]) for s in who})
        got_lms = sorted({shown(lms[s][0]) for s in who})
        say(
            f"  {kind:<18} x{len(who):<3} expected {expected}/4;"
            f" nbgrader {', '.join(got_cli)}; LMS {', '.join(got_lms)}"
        )


def main() -> None:
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", message="Object of type <Submitted")
    if os.geteuid() != 0:
        raise SystemExit("Run as root: the grading sandbox needs it.")
    from courses.jupyter.provision import provision

    provision()  # idempotent: the sandbox's slot users and interpreter
    students = [f"learner-{n:02d}" for n in range(len(MIX))]
    random.Random(40).shuffle(MIX)
    kinds = dict(zip(students, MIX, strict=True))
    with tempfile.TemporaryDirectory(prefix="bench-autograde-") as tmp:
        root = Path(tmp)
        env = environment(root)
        os.environ.update(env)
        for name in ("GRADING_CONCURRENCY", "HUB_URL", "HUB_API_URL"):
            if name not in env:
                os.environ.pop(name, None)
        database_create(DB_NAME, env)
        import django

        django.setup()
        from django.conf import settings

        try:
            assignment, users = lms_setup(students)
            release = assignment.files.get(kind="release", path=f"{ASSIGNMENT}.ipynb")
            with release.file.open("rb") as handle:
                notebooks = submissions(handle.read())
            say(
                f"Autograding {len(MIX)} submissions of ps1 (3 tests, 4 points):"
                f" {MIX.count('correct')} correct, "
                f"{sum(k.startswith('wrong') for k in MIX)} wrong, "
                f"{sum(k.startswith('raises') for k in MIX)} raising, "
                f"{MIX.count('loops in mean')} looping; {CELL_TIMEOUT} s a cell"
            )
            course = cli_course(root)
            cli_place(course, students, notebooks)
            ids = lms_submit(assignment, users, notebooks)

            say(f"(a) nbgrader autograde, one command for the batch ({load()})")
            cli_seconds, cli_cpu = cli_grade(course)
            cli_rate = len(MIX) / cli_seconds
            say(
                f"    {cli_seconds:6.1f} s  {cli_rate:5.2f} submissions/s"
                f"  (CPU {cli_cpu:.1f} s: the command and its kernels)"
            )

            concurrency = settings.GRADING_CONCURRENCY
            say(
                f"(b) LMS grading_run, GRADING_CONCURRENCY={concurrency} sandboxed"
                f" lanes in one worker ({load()})"
            )
            try:
                lms_seconds, lms_cpu, outcomes = lms_grade(assignment, ids)
            finally:
                from courses.grading.services.autograde import grading_pool

                grading_pool().close()  # dispose the lanes' warm kernels
            lms_rate = len(MIX) / lms_seconds
            say(
                f"    {lms_seconds:6.1f} s  {lms_rate:5.2f} submissions/s  {outcomes}"
                f"  (CPU of the worker {lms_cpu:.1f} s, kernels not counted;"
                f" {load()} after)"
            )

            cli = cli_scores(course, students)
            lms = lms_scores(ids)
            same, differences = compare(kinds, cli, lms)
            summary(kinds, cli, lms)
            for line in differences:
                say(f"  DIFFERENT {line}")
            errors = [found[4] for found in lms.values() if found[4]]
            if errors:
                say(f"  LMS grading notes on {len(errors)} submissions, e.g.:")
                say("    " + errors[0].replace("\n", "\n    ")[:600])
            seconds = {s: v[3] for s, v in lms.items() if v[3] is not None}
            per_nb = statistics.median(seconds.values())
            slowest = max(seconds, key=seconds.get)
            say(
                f"  LMS grading_seconds: median {per_nb:.2f} s, slowest"
                f" {seconds[slowest]:.2f} s ({kinds[slowest]})"
            )
        finally:
            from django.db import connections

            connections.close_all()
            database_drop(DB_NAME)
    bare = bare_nbclient_seconds()
    ratio = lms_rate / cli_rate
    say(
        f"Throughput: nbgrader {cli_rate:.2f}/s, LMS {lms_rate:.2f}/s,"
        f" ratio {ratio:.2f}"
    )
    say(
        f"Per notebook: LMS median grading_seconds {per_nb:.2f} s,"
        f" bare nbclient one-cell notebook {bare:.2f} s (median of {BARE_RUNS}),"
        f" {per_nb / bare:.2f}x"
    )
    say(
        f"RESULT autograde ratio={ratio:.2f} per_nb_vs_bare={per_nb / bare:.2f}"
        f" same_scores={str(same).lower()}"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(_lines) + "\n")


if __name__ == "__main__":
    main()
