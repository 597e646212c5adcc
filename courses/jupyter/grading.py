"""Grade one learner's submission: nbgrader autograde, each notebook in a sandbox.

Each notebook is autograded by its own nbgrader run (``--notebook``), so one
broken notebook cannot take the others of the submission down with it; each runs
in a fresh kernel that no other learner ever used.
"""

import re
import shutil
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import nbformat
from nbgrader.preprocessors import Execute

from courses.jupyter.config import SandboxConfig, SandboxLimits
from courses.jupyter.execute import SandboxedExecute
from courses.jupyter.feedback import generate_feedback
from courses.jupyter.gradebook import assignment_notebooks, notebook_result, void_grades
from courses.jupyter.lanes import KernelLane
from courses.jupyter.nbgrader_app import Course, ThreadSafeAutograde, run_converter
from courses.jupyter.results import COULD_NOT_GRADE, GradeResult, NotebookResult

SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@+-]*")
TOO_LARGE = "The notebook is larger than {} bytes."
NOT_A_NOTEBOOK = "The file is not a readable notebook: {}"
TOO_MANY_CELLS = "The notebook has {} cells; at most {} are graded automatically."


def grade_submission(
    *,
    course: Course,
    assignment: str,
    student: str,
    notebooks: Mapping[str, bytes] | None = None,
    files: Mapping[str, bytes] | None = None,
    limits: SandboxLimits | None = None,
    sandbox: SandboxConfig | None = None,
    lane: KernelLane | None = None,
    feedback: bool = True,
    reveal_hidden_tests: bool = False,
) -> GradeResult:
    """Autograde a submission in the sandbox and read its scores back.

    ``notebooks`` (name -> .ipynb bytes) and ``files`` (relative path -> bytes),
    when given, replace ``submitted/<student>/<assignment>/`` first; otherwise
    what is there is graded. ``lane`` lends kernels (and keeps the next one
    booting); without one, a private lane is used for this call.
    """
    started = time.monotonic()
    limits, sandbox = limits or SandboxLimits(), sandbox or SandboxConfig()
    for name in (assignment, student):
        if not SAFE_NAME.fullmatch(name):  # both become directory names
            raise ValueError(f"Not a safe nbgrader id: {name!r}")
    folder = course.root / "submitted" / student / assignment
    if notebooks is not None or files is not None:
        write_submission(folder, {**(files or {}), **_ipynb(notebooks or {})})
    names = assignment_notebooks(course, assignment)
    own_lane = lane is None
    lane = lane or KernelLane(sandbox, keep_warm=False)
    try:
        results = [
            grade_notebook(course, assignment, student, name, limits, lane)
            for name in names
        ]
    finally:
        if own_lane:
            lane.close()
    if feedback:
        results = attach_feedback(
            course, assignment, student, results, reveal_hidden_tests
        )
    return GradeResult(assignment, student, tuple(results), time.monotonic() - started)


def grade_notebook(course, assignment, student, name, limits, lane) -> NotebookResult:
    path = course.root / "submitted" / student / assignment / f"{name}.ipynb"
    if not path.exists():
        return notebook_result(course, assignment, student, name, missing=True)
    problem = precheck(path, limits)
    if problem is None:
        lane.prime(limits)  # the kernel boots while nbgrader sanitizes
        notes: list[str] = []
        c = autograde_config(course, assignment, student, name, limits, lane)
        c.SandboxedExecute.report = lambda notebook, problem: notes.append(problem)
        problems = run_converter(ThreadSafeAutograde, c)
    else:
        problems, notes = [problem], []
    if problems:
        void_grades(course, assignment, student, name)
        forget_outputs(course, assignment, student, name)
        return notebook_result(
            course, assignment, student, name, status=COULD_NOT_GRADE,
            errors=[*problems, *notes],
        )  # fmt: skip
    return notebook_result(course, assignment, student, name, errors=notes)


def forget_outputs(course, assignment, student, name) -> None:
    """Delete what an earlier attempt left: it must not pass for this one's
    autograded notebook or feedback."""
    for step, suffix in (("autograded", ".ipynb"), ("feedback", ".html")):
        (course.root / step / student / assignment / f"{name}{suffix}").unlink(
            missing_ok=True
        )


def autograde_config(course, assignment, student, name, limits, lane):
    c = course.config(assignment_id=assignment, student_id=student, notebook_id=name)
    c.Autograde.force = True  # grading again replaces the earlier result
    c.Autograde.autograde_preprocessors = [
        SandboxedExecute if step is Execute else step
        for step in ThreadSafeAutograde.class_traits()[
            "autograde_preprocessors"
        ].default()
    ]
    c.SandboxedExecute.kernel_source = lambda: lane.take(limits)
    c.SandboxedExecute.timeout = limits.timeout_per_cell
    c.SandboxedExecute.notebook_timeout = limits.timeout_per_notebook
    c.SandboxedExecute.output_limit = limits.output_bytes
    return c


def precheck(path: Path, limits: SandboxLimits) -> str | None:
    """Refuse what nbgrader would choke on, with a reason a person can act on."""
    if path.stat().st_size > limits.notebook_bytes:
        return TOO_LARGE.format(limits.notebook_bytes)
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as error:  # noqa: BLE001 - any parse failure means the same
        return NOT_A_NOTEBOOK.format(f"{type(error).__name__}: {error}"[:300])
    if len(nb.cells) > limits.max_cells:
        # nbgrader and the feedback page take about 8 ms a cell: 10,000 cells
        # would hold a worker for minutes. Far past any real assignment.
        return TOO_MANY_CELLS.format(len(nb.cells), limits.max_cells)
    return None


def write_submission(folder: Path, files: Mapping[str, bytes]) -> None:
    """Replace the submitted folder with these regular files (no symlinks,
    no paths leaving the folder)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, content in files.items():
        target = (folder / name).resolve()
        if not target.is_relative_to(folder.resolve()):
            raise ValueError(f"Submitted file name leaves the folder: {name!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def _ipynb(notebooks: Mapping[str, bytes]) -> dict[str, bytes]:
    return {
        f"{name.removesuffix('.ipynb')}.ipynb": data for name, data in notebooks.items()
    }


def attach_feedback(course, assignment, student, results, reveal_hidden_tests):
    pages = generate_feedback(
        course=course, assignment=assignment, student=student,
        reveal_hidden_tests=reveal_hidden_tests,
    )  # fmt: skip
    return [replace(nb, feedback_html=pages.get(nb.name)) for nb in results]
