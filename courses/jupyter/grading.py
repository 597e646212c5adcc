"""Grade one learner's submission: nbgrader autograde, each notebook in a sandbox.

Each notebook is autograded by its own nbgrader run (``--notebook``), so one
broken notebook cannot take the others of the submission down with it; each runs
in a fresh kernel that no other learner ever used.

What learners and instructors are told comes back as notes (results.Note):
limits reached, a kernel that died, cells nbgrader put back as released (as
``nbgrader autograde`` warns), and why a notebook could not be graded.
"""

import re
import shutil
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import nbformat
from nbgrader.preprocessors import Execute, OverwriteCells

from courses.jupyter import results as codes
from courses.jupyter.config import SandboxConfig, SandboxLimits
from courses.jupyter.execute import SandboxedExecute
from courses.jupyter.feedback import generate_feedback
from courses.jupyter.gradebook import assignment_notebooks, notebook_result, void_grades
from courses.jupyter.lanes import KernelLane
from courses.jupyter.nbgrader_app import Course, ThreadSafeAutograde, run_converter
from courses.jupyter.overwrite import ReportingOverwriteCells
from courses.jupyter.results import (
    COULD_NOT_GRADE,
    GRADED,
    GradeResult,
    Note,
    NotebookResult,
)

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
    notes: list[Note | str] = []  # a str is for the staff log only
    problems = []
    if (problem := precheck(path, limits)) is not None:
        notes.append(problem)
    else:
        lane.prime(limits)  # the kernel boots while nbgrader sanitizes
        c = autograde_config(course, assignment, student, name, limits, lane)
        c.SandboxedExecute.report = c.ReportingOverwriteCells.report = _keeper(notes)
        problems = run_converter(ThreadSafeAutograde, c) or []
        if problems and not any(n.code == codes.KERNEL_DIED for n in _told(notes)):
            notes.append(Note.of(codes.AUTOGRADE_FAILED))
    # As a failed ``nbgrader autograde`` run does, leave the notebook to a person.
    failed = problem is not None or bool(problems)
    if failed:
        void_grades(course, assignment, student, name)
        forget_outputs(course, assignment, student, name)
    result = notebook_result(
        course, assignment, student, name,
        status=COULD_NOT_GRADE if failed else GRADED,
        errors=[*problems, *(n.english if isinstance(n, Note) else n for n in notes)],
    )  # fmt: skip
    return replace(result, notes=tuple(_told(notes)))


def _keeper(notes: list):
    # A function, not a partial: traitlets deep-copies config values, and a
    # partial's list with them; a function is copied as itself.
    def keep(notebook: str, note: Note | str) -> None:
        if note not in notes:  # a limit reached is told once
            notes.append(note)

    return keep


def _told(notes: list[Note | str]) -> list[Note]:
    return [note for note in notes if isinstance(note, Note)]


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
    c.Autograde.autograde_preprocessors = _swapped(
        "autograde_preprocessors", {Execute: SandboxedExecute}
    )
    c.Autograde.sanitize_preprocessors = _swapped(
        "sanitize_preprocessors", {OverwriteCells: ReportingOverwriteCells}
    )
    c.SandboxedExecute.kernel_source = lambda: lane.take(limits)
    c.SandboxedExecute.timeout = limits.timeout_per_cell
    c.SandboxedExecute.notebook_timeout = limits.timeout_per_notebook
    c.SandboxedExecute.output_limit = limits.output_bytes
    return c


def _swapped(steps: str, swaps: dict) -> list:
    default = ThreadSafeAutograde.class_traits()[steps].default()
    return [swaps.get(step, step) for step in default]


def precheck(path: Path, limits: SandboxLimits) -> Note | None:
    """Refuse what nbgrader would choke on, with a reason a person can act on
    (its English, with the parser's words, is for staff)."""
    if path.stat().st_size > (size := limits.notebook_bytes):
        return Note.of(codes.TOO_LARGE, text=TOO_LARGE.format(size), bytes=size)
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as error:  # noqa: BLE001 - any parse failure means the same
        why = f"{type(error).__name__}: {error}"[:300]
        return Note.of(codes.NOT_A_NOTEBOOK, text=NOT_A_NOTEBOOK.format(why))
    if (cells := len(nb.cells)) > limits.max_cells:
        # nbgrader and the feedback page take about 8 ms a cell: 10,000 cells
        # would hold a worker for minutes. Far past any real assignment.
        text = TOO_MANY_CELLS.format(cells, limits.max_cells)
        return Note.of(
            codes.TOO_MANY_CELLS, text=text, cells=cells, max_cells=limits.max_cells
        )
    return _metadata_problem(nb, path)


BROKEN_METADATA = (
    "Cell {}: its nbgrader metadata was changed ({}); nbgrader cannot grade the "
    "notebook, so a person grades it."
)


def _metadata_problem(nb, path: Path) -> Note | None:
    """What in the learner's nbgrader metadata makes nbgrader's autograde stop
    with an error rather than repair it (it restores points, locks, cell types
    and sources from the gradebook itself)."""
    known = _source_grade_ids(path)
    seen: set[str] = set()
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader")
        problem = _cell_metadata_problem(meta, known, seen)
        if problem:
            text = BROKEN_METADATA.format(index + 1, problem)
            return Note.of(codes.BROKEN_METADATA, text=text, cell=index + 1)
    return None


def _cell_metadata_problem(meta, known: set[str] | None, seen: set[str]):
    if meta is None:
        return None
    if not isinstance(meta, dict):
        return "not a JSON object"
    if meta.get("schema_version") != 3:
        return f"schema version {meta.get('schema_version')!r}, not 3"
    if not any(meta.get(key) for key in ("grade", "solution", "locked")):
        return None
    grade_id = meta.get("grade_id")
    if not (isinstance(grade_id, str) and grade_id):
        return "no grade id"
    if grade_id in seen:  # nbgrader blanks the first copy, then fails on it
        return f"grade id {grade_id!r} used twice"
    seen.add(grade_id)
    if known is not None and grade_id not in known:
        return f"grade id {grade_id!r} is not in the assignment"
    points = meta.get("points")
    if meta.get("grade") and (
        isinstance(points, bool) or not isinstance(points, int | float)
    ):  # a wrong number is put right; none, or text, stops nbgrader
        return f"grade cell {grade_id!r} without points"
    return None


def _source_grade_ids(path: Path) -> set[str] | None:
    """The grade ids of the instructor's notebook (course/source/<assignment>/),
    or None where there is none to compare with."""
    source = path.parents[3] / "source" / path.parent.name / path.name
    try:
        cells = nbformat.read(source, as_version=4).cells
    except Exception:  # noqa: BLE001 - then nbgrader itself decides
        return None
    return {
        meta["grade_id"]
        for cell in cells
        if isinstance(meta := cell.metadata.get("nbgrader"), dict)
        and meta.get("grade_id")
    }


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
