"""Question scores from a grading result, and a submission's totals from them."""

import decimal

from courses.grading.models import (
    Submission,
    SubmissionScore,
)
from courses.jupyter import GRADED, GradeResult

Status = Submission.Status


def _points(value: float) -> decimal.Decimal:
    return decimal.Decimal(str(round(value, 2)))


def scores_replace(submission: Submission, result: GradeResult) -> bool:
    """The new automatic scores; a score given by hand to a cell that still
    asks for one is kept (regrading after a fixed test keeps the grader's
    work). True if any was kept."""
    earlier = SubmissionScore.objects.filter(
        submission=submission, manual_score__isnull=False
    ).values_list("notebook", "cell", "manual_score", "formgrader_base")
    by_hand = {(notebook, cell): points for notebook, cell, points, _ in earlier}
    synced = {(notebook, cell): base for notebook, cell, _, base in earlier}
    SubmissionScore.objects.filter(submission=submission).delete()
    rows = []
    for notebook in result.notebooks:
        for cell in notebook.cells:
            kept = by_hand.get((notebook.name, cell.name)) if (
                notebook.status == GRADED and cell.needs_manual_grade
            ) else None  # fmt: skip
            rows.append(
                SubmissionScore(
                    submission=submission,
                    notebook=notebook.name,
                    cell=cell.name,
                    cell_type=cell.cell_type,
                    score=kept if kept is not None else _maybe(cell.score),
                    max_score=_points(cell.max_score),
                    auto_score=_maybe(cell.auto_score),
                    manual_score=kept,
                    needs_manual_grade=cell.needs_manual_grade and kept is None,
                    failed_tests=cell.failed_tests,
                    formgrader_base=synced.get((notebook.name, cell.name))
                    if kept is not None
                    else None,
                )
            )
    SubmissionScore.objects.bulk_create(rows)
    return any(row.manual_score is not None for row in rows)


def _maybe(value: float | None) -> decimal.Decimal | None:
    return None if value is None else _points(value)


def score_totals(submission: Submission) -> None:
    """The submission's score and state from its question scores."""
    rows = list(submission.scores.all())
    submission.score = sum((r.score or 0 for r in rows), decimal.Decimal(0))
    if any(r.needs_manual_grade for r in rows):
        submission.status = Status.MANUAL
    elif submission.status == Status.MANUAL:
        submission.status = Status.GRADED
