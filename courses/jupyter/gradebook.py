"""Read results from (and mark failures in) nbgrader's gradebook."""

from contextlib import contextmanager

import sqlalchemy.exc
from nbgrader.api import Gradebook, InvalidEntry, MissingEntry

from courses.jupyter.nbgrader_app import Course, GradingError, TransientGradingError
from courses.jupyter.results import GRADED, MISSING, CellScore, NotebookResult

NOT_RELEASED = "Assignment {!r} is not in the gradebook: generate it first."


@contextmanager
def gradebook(course: Course):
    """The course's gradebook; a locked or conflicting one is a failure that
    may pass (TransientGradingError), not the learner's."""
    try:
        with Gradebook(course.gradebook_url, course_id=course.course_id) as gb:
            yield gb
    except (
        sqlalchemy.exc.OperationalError,
        sqlalchemy.exc.IntegrityError,
        InvalidEntry,
    ) as error:
        raise TransientGradingError(f"The gradebook: {error}"[:500]) from error


def assignment_notebooks(course: Course, assignment: str) -> list[str]:
    """The notebooks nbgrader knows for this assignment, in name order."""
    with gradebook(course) as gb:
        try:
            found = gb.find_assignment(assignment)
        except MissingEntry:
            raise GradingError(NOT_RELEASED.format(assignment)) from None
        return sorted(nb.name for nb in found.notebooks)


def ensure_submission(gb: Gradebook, assignment: str, student: str) -> None:
    try:
        gb.find_submission(assignment, student)
    except MissingEntry:
        gb.update_or_create_student(student)
        gb.add_submission(assignment, student)


def void_grades(course: Course, assignment: str, student: str, notebook: str) -> None:
    """Leave a notebook that could not be graded as nbgrader leaves a fresh
    failure: no automatic score, waiting for a person. Also wipes the scores of
    an earlier attempt, which must not pass for this attempt's."""
    with gradebook(course) as gb:
        ensure_submission(gb, assignment, student)
        submitted = gb.find_submission_notebook(notebook, assignment, student)
        for grade in submitted.grades:
            grade.auto_score = None
            grade.needs_manual_grade = True
        gb.db.commit()


def notebook_result(
    course: Course,
    assignment: str,
    student: str,
    notebook: str,
    *,
    status: str = GRADED,
    errors: list[str] | tuple[str, ...] = (),
    missing: bool = False,
) -> NotebookResult:
    with gradebook(course) as gb:
        if missing:  # as nbgrader does for a notebook that was not submitted
            ensure_submission(gb, assignment, student)
            mark_missing(gb, assignment, student, notebook)
            status = MISSING
        submitted = gb.find_submission_notebook(notebook, assignment, student)
        cells = tuple(cell_score(grade) for grade in submitted.grades)
        return NotebookResult(
            name=notebook,
            status=status,
            score=float(submitted.score),
            max_score=float(submitted.max_score),
            needs_manual_grade=bool(submitted.needs_manual_grade),
            cells=tuple(sorted(cells, key=lambda cell: cell.name)),
            errors=tuple(errors),
        )


def mark_missing(gb: Gradebook, assignment: str, student: str, notebook: str) -> None:
    submitted = gb.find_submission_notebook(notebook, assignment, student)
    for grade in submitted.grades:
        grade.auto_score = 0
        grade.needs_manual_grade = False
    gb.db.commit()


def cell_score(grade) -> CellScore:
    return CellScore(
        name=grade.name,
        cell_type=grade.cell_type,
        score=None
        if grade.auto_score is None and grade.manual_score is None
        else float(grade.score),
        max_score=float(grade.max_score),
        auto_score=grade.auto_score,
        needs_manual_grade=bool(grade.needs_manual_grade),
        failed_tests=bool(grade.failed_tests),
    )


TIMESTAMP = "%Y-%m-%d %H:%M:%S.%f UTC"  # nbgrader's text of a submission time


def submission_timestamp(course: Course, assignment: str, student: str) -> str | None:
    """When the attempt the gradebook holds was submitted (nbgrader's text)."""
    with gradebook(course) as gb:
        try:
            found = gb.find_submission(assignment, student)
        except MissingEntry:
            return None
        return found.timestamp.strftime(TIMESTAMP) if found.timestamp else None


def manual_scores_set(
    course: Course,
    assignment: str,
    student: str,
    notebook: str,
    scores: dict[str, float],
) -> NotebookResult:
    """Record scores given by hand (cell name -> points), as formgrader does."""
    with gradebook(course) as gb:
        submitted = gb.find_submission_notebook(notebook, assignment, student)
        for grade in submitted.grades:
            if grade.name in scores:
                points = scores[grade.name]
                if not 0 <= points <= grade.max_score:
                    raise ValueError(
                        f"{grade.name}: {points} is not within 0..{grade.max_score}"
                    )
                grade.manual_score = points
                grade.needs_manual_grade = False
        gb.db.commit()
    return notebook_result(course, assignment, student, notebook)


def comments_set(
    course: Course, assignment: str, student: str, comments: dict[tuple[str, str], str]
) -> None:
    """Graders' comments ((notebook, cell) -> text) for the feedback pages;
    every other comment of the submission is cleared."""
    with gradebook(course) as gb:
        for notebook in gb.find_submission(assignment, student).notebooks:
            for comment in notebook.comments:
                comment.manual_comment = comments.get((notebook.name, comment.name))
        gb.db.commit()


def assignment_structure(course: Course, assignment: str) -> dict:
    """An assignment as the gradebook knows it (its notebooks and their grade,
    task, solution and source cells), to rebuild it in another gradebook."""
    with gradebook(course) as gb:
        try:
            found = gb.find_assignment(assignment)
        except MissingEntry:
            raise GradingError(NOT_RELEASED.format(assignment)) from None
        graded = ("name", "max_score", "cell_type")
        source = ("name", "cell_type", "locked", "source", "checksum")
        return {
            "name": found.name,
            "duedate": found.duedate.isoformat() if found.duedate else None,
            "notebooks": [
                {
                    "name": nb.name,
                    "grade_cells": [_fields(c, graded) for c in nb.grade_cells],
                    "task_cells": [_fields(c, graded) for c in nb.task_cells],
                    "solution_cells": [{"name": c.name} for c in nb.solution_cells],
                    "source_cells": [_fields(c, source) for c in nb.source_cells],
                }
                for nb in found.notebooks
            ],
        }


def _fields(row, names: tuple[str, ...]) -> dict:
    return {name: getattr(row, name) for name in names}
