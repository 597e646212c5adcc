"""What grading returns: plain frozen data, nothing of nbgrader's types."""

from dataclasses import dataclass
from pathlib import Path

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
    errors: tuple[str, ...] = ()  # why it could not be graded, or limits it hit
    feedback_html: Path | None = None


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

    def notebook(self, name: str) -> NotebookResult:
        return next(nb for nb in self.notebooks if nb.name == name)
