"""The grading engine's throughput: sequential against concurrent lanes.

Run from the repository root, as root, after ``python -m courses.jupyter.provision``:
``.venv/bin/python bench/autograde_engine.py``.

Grades N small correct submissions of the test fixture ``ps1`` (three tests,
feedback HTML included) in a fresh course: one after another with a cold
sandboxed kernel per notebook, one after another with the next kernel pre-started,
then with 2 lanes in threads, 2 and 4 lanes in worker processes. Worker
processes are started and warmed up (imports) before their clock starts. The
machine's load average is printed too: on a busy 2-core machine more lanes cannot
help. Then the floor:
the median time of a bare nbclient run of a one-cell notebook (unsandboxed
kernel, TCP), and of the same through a sandboxed kernel. Environment
(optional): BENCH_SUBMISSIONS (20), BENCH_FLOOR_RUNS (10). Output also goes
to ``bench/results/autograde_engine.txt``.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbformat.v4 import new_code_cell, new_notebook  # noqa: E402

from courses.jupyter import (  # noqa: E402
    Course,
    GradingPool,
    KernelLane,
    SandboxConfig,
    SandboxLimits,
    generate_assignment,
    grade_submission,
)
from courses.jupyter.kernel import start_sandbox_kernel  # noqa: E402

SOURCE = ROOT / "tests" / "jupyter" / "fixtures" / "source"
RESULTS = ROOT / "bench" / "results" / "autograde_engine.txt"
N = int(os.environ.get("BENCH_SUBMISSIONS", "20"))
FLOOR_RUNS = int(os.environ.get("BENCH_FLOOR_RUNS", "10"))
LIMITS = SandboxLimits(timeout_per_cell=30, timeout_per_notebook=120)
lines: list[str] = []


def measured(label: str, run, baseline: float | None = None) -> float:
    started = time.monotonic()
    run()
    wall = time.monotonic() - started
    ratio = f"  {baseline / wall:.1f}x the first line" if baseline else ""
    say(f"  {label:<40} {wall:6.1f} s{ratio}")
    return wall


def say(text: str) -> None:
    print(text, flush=True)
    lines.append(text)


def make_course(root: Path) -> tuple[Course, bytes]:
    course = Course(root=root / "course", course_id="bench")
    shutil.copytree(SOURCE, course.root / "source")
    generate_assignment(course=course, assignment="ps1")
    answers = {
        c.metadata.nbgrader.grade_id: c.source
        for c in nbformat.read(course.root / "source/ps1/ps1.ipynb", as_version=4).cells
    }
    release = nbformat.read(course.root / "release/ps1/ps1.ipynb", as_version=4)
    for cell in release.cells:
        if cell.metadata.nbgrader.get("solution"):
            cell.source = answers[cell.metadata.nbgrader.grade_id]
    return course, nbformat.writes(release).encode()


def job(course: Course, notebook: bytes, label: str, i: int) -> dict:
    return {
        "course": course, "assignment": "ps1", "student": f"{label}-{i:03d}",
        "notebooks": {"ps1": notebook}, "limits": LIMITS,
    }  # fmt: skip


def run_sequential(course, notebook, label, lane=None) -> tuple[float, list[float]]:
    started, each = time.monotonic(), []
    for i in range(N):
        result = grade_submission(**job(course, notebook, label, i), lane=lane)
        assert result.score == result.max_score, result.errors
        each.append(result.seconds)
    return time.monotonic() - started, each


def pool_run(course, notebook, label, concurrency, processes):
    """Start a pool and warm its workers up; return the timed run and the pool."""
    pool = GradingPool(concurrency=concurrency, processes=processes)
    warm = [job(course, notebook, f"{label}-warmup", i) for i in range(concurrency)]
    pool.map(grade_submission, warm)

    def run() -> None:
        jobs = [job(course, notebook, label, i) for i in range(N)]
        results = pool.map(grade_submission, jobs)
        assert all(r.score == r.max_score for r in results)

    return run, pool


def bare_nbclient_seconds() -> float:
    nb = new_notebook(cells=[new_code_cell("1 + 1")])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3"}
    times = []
    for _ in range(FLOOR_RUNS):
        started = time.monotonic()
        # stderr: the kernel's warning about unencrypted TCP, ten times over.
        NotebookClient(nb, timeout=30).execute(stderr=subprocess.DEVNULL)
        times.append(time.monotonic() - started)
    return statistics.median(times)


def sandboxed_nbclient_seconds() -> float:
    nb = new_notebook(cells=[new_code_cell("1 + 1")])
    times = []
    for _ in range(FLOOR_RUNS):
        started = time.monotonic()
        km = start_sandbox_kernel(SandboxConfig(), LIMITS)
        try:
            client = NotebookClient(nb, km=km, timeout=30)
            client.execute()
        finally:
            km.dispose()
        times.append(time.monotonic() - started)
    return statistics.median(times)


def main() -> None:
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    with tempfile.TemporaryDirectory() as root:
        course, notebook = make_course(Path(root))
        grade_submission(**job(course, notebook, "warmup", 0))  # imports, caches
        say(f"Grading {N} small submissions (3 tests each, feedback HTML included)")
        say(
            f"  load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
        each: list[float] = []
        cold = measured(
            "sequential, cold kernel per notebook",
            lambda: each.extend(run_sequential(course, notebook, "cold")[1]),
        )
        lane = KernelLane(SandboxConfig(), keep_warm=True)
        try:
            measured(
                "sequential, next kernel pre-started",
                lambda: run_sequential(course, notebook, "warm", lane=lane),
                cold,
            )
        finally:
            lane.close()
        for concurrency, processes in ((2, False), (2, True), (4, True)):
            kind = "processes" if processes else "threads"
            run, pool = pool_run(course, notebook, kind, concurrency, processes)
            with pool:
                measured(f"{concurrency} lanes in {kind}", run, cold)
        per_notebook = statistics.median(each)
    bare, boxed = bare_nbclient_seconds(), sandboxed_nbclient_seconds()
    say(f"  load average after: {os.getloadavg()[0]:.1f}")
    say(f"Median per notebook, sequential cold: {per_notebook:.2f} s")
    say(f"Bare nbclient, one-cell notebook:     {bare:.2f} s (median of {FLOOR_RUNS})")
    say(f"Sandboxed kernel, one-cell notebook:  {boxed:.2f} s")
    say(f"Grading / bare floor: {per_notebook / bare:.1f}x; "
        f"sandbox / bare: {boxed / bare:.2f}x")  # fmt: skip
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
