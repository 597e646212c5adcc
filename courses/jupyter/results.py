"""What grading returns: plain frozen data, nothing of nbgrader's types."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

GRADED = "graded"
COULD_NOT_GRADE = "could_not_grade"  # never "zero points": a person must look
MISSING = "missing"  # not submitted: nbgrader scores it 0, rightly


@dataclass(frozen=True)
class CellScore:
    """One graded cell: an autograder test, or an answer graded by hand."""

    name: str
    cell_type: str  # "code" or "markdown"
    score: float | None  # None while nobody (nbgrader nor a person) scored it
    max_score: float
    auto_score: float | None
    needs_manual_grade: bool
    failed_tests: bool


@dataclass(frozen=True)
class NotebookResult:
    name: str
    status: str  # GRADED, COULD_NOT_GRADE or MISSING
    score: float
    max_score: float
    needs_manual_grade: bool
    cells: tuple[CellScore, ...] = ()
    errors: tuple[str, ...] = ()  # English, for staff logs: notes and nbgrader's
    feedback_html: Path | None = None
    notes: tuple["Note", ...] = ()  # what learners and instructors are told


@dataclass(frozen=True)
class GradeResult:
    assignment: str
    student: str
    notebooks: tuple[NotebookResult, ...]
    seconds: float

    @property
    def could_not_grade(self) -> bool:
        return any(nb.status == COULD_NOT_GRADE for nb in self.notebooks)

    @property
    def score(self) -> float:
        return sum(nb.score for nb in self.notebooks)

    @property
    def max_score(self) -> float:
        return sum(nb.max_score for nb in self.notebooks)

    @property
    def needs_manual_grade(self) -> bool:
        return any(nb.needs_manual_grade for nb in self.notebooks)

    @property
    def errors(self) -> tuple[str, ...]:
        return tuple(f"{nb.name}: {e}" for nb in self.notebooks for e in nb.errors)

    @property
    def notes(self) -> list[dict[str, Any]]:
        """Every notebook's notes as JSON data: ``{"code", "notebook", **params}``."""
        return [note.as_dict(nb.name) for nb in self.notebooks for note in nb.notes]

    def notebook(self, name: str) -> NotebookResult:
        return next(nb for nb in self.notebooks if nb.name == name)


# Note codes: stored by the LMS and translated there (courses/grading_notes.py),
# so never renamed. Each lists the params it carries.
CELL_TIMEOUT = "cell_timeout"  # cell, seconds: a cell stopped at the cell limit
NOTEBOOK_TIMEOUT = "notebook_timeout"  # seconds: cells past the budget not run
KERNEL_DIED = "kernel_died"  # cell: the kernel died; a person grades it
KERNEL_STUCK = "kernel_stuck"  # cell, seconds: ignored the interrupt; rest not run
OUTPUT_TRUNCATED = "output_truncated"  # bytes: output past this was dropped
GRADE_CELL_CHANGED = "grade_cell_changed"  # cell, change: a test was changed
CELL_CHANGED = "cell_changed"  # cell, change: another released cell
TOO_LARGE = "too_large"  # bytes
NOT_A_NOTEBOOK = "not_a_notebook"  # (the parser's message is for staff only)
TOO_MANY_CELLS = "too_many_cells"  # cells, max_cells
BROKEN_METADATA = "broken_metadata"  # cell: its nbgrader metadata was changed
AUTOGRADE_FAILED = "autograde_failed"  # nbgrader refused it (reasons: staff only)

NOTE_TEXT = {
    CELL_TIMEOUT: "Cell {cell} was stopped at the time limit of {seconds} s per cell.",
    NOTEBOOK_TIMEOUT: "The notebook used up its time limit of {seconds} s; "
    "the cells after that were not run.",
    KERNEL_DIED: "Cell {cell}: the kernel died (the code exited, crashed or was "
    "killed); the rest was not run, so a person grades the notebook.",
    KERNEL_STUCK: "Cell {cell}: the kernel stopped responding (it ignored the "
    "interrupt at the time limit of {seconds} s per cell); the rest was not run.",
    OUTPUT_TRUNCATED: "Output truncated: more than {bytes} bytes in this notebook.",
    GRADE_CELL_CHANGED: "Grade cell {cell!r} was changed ({change}); "
    "it was graded as released.",
    CELL_CHANGED: "Cell {cell!r} was changed ({change}); it was put back as released.",
    TOO_LARGE: "The notebook is larger than {bytes} bytes.",
    NOT_A_NOTEBOOK: "The file is not a readable notebook.",
    TOO_MANY_CELLS: "The notebook has {cells} cells; "
    "at most {max_cells} are graded automatically.",
    BROKEN_METADATA: "Cell {cell}: its nbgrader metadata was changed; "
    "nbgrader cannot grade the notebook, so a person grades it.",
    AUTOGRADE_FAILED: "nbgrader could not grade the notebook.",
}


@dataclass(frozen=True)
class Note:
    """One thing to tell about a notebook's grading: a stable code and its
    parameters (plain JSON values), plus English for the staff log."""

    code: str
    params: tuple[tuple[str, Any], ...] = ()
    text: str = ""  # English; NOTE_TEXT filled in when empty

    @classmethod
    def of(cls, code: str, *, text: str = "", **params: Any) -> "Note":
        return cls(code, tuple(sorted(params.items())), text)

    @property
    def english(self) -> str:
        if self.text:
            return self.text
        try:
            return NOTE_TEXT[self.code].format(**dict(self.params))
        except (KeyError, IndexError):
            return f"{self.code} {dict(self.params)}"

    def as_dict(self, notebook: str) -> dict[str, Any]:
        return {**dict(self.params), "code": self.code, "notebook": notebook}
