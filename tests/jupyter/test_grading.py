"""grade_submission on ordinary submissions, with real sandboxed kernels."""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from courses.jupyter import (
    COULD_NOT_GRADE,
    GRADED,
    MISSING,
    GradingError,
    SandboxLimits,
    grade_submission,
)
from tests.jupyter.conftest import SAWARNING, page_text

pytestmark = [SAWARNING]

CANARY = "HIDDEN-CANARY-squares-empty"
WRONG = {
    "squares": "def squares(n):\n    return [i * 2 for i in range(n)]",
    "mean": "def mean(xs):\n    return 0",
    "total": "def total():\n    return 0",
}
# Right for every visible test, wrong for squares(0) (hidden): 2 points lost.
HIDDEN_ONLY_WRONG = {
    "squares": "def squares(n):\n    return [i * i for i in range(1, max(n, 1) + 1)]"
}
LIMITS = SandboxLimits(timeout_per_cell=10, timeout_per_notebook=60)


def grade(course, student, notebook, **kwargs):
    return grade_submission(
        course=course,
        assignment="ps1",
        student=student,
        notebooks={"ps1": notebook},
        limits=LIMITS,
        **kwargs,
    )


def test_correct_submission_gets_full_marks(sandbox, course_factory, submission):
    result = grade(course_factory(), "alice", submission())

    notebook = result.notebook("ps1")
    assert (notebook.status, result.score, result.max_score) == (GRADED, 4, 4)
    assert not result.needs_manual_grade and not result.could_not_grade
    assert result.errors == ()
    assert {c.name: c.score for c in notebook.cells} == {
        "test_mean": 1,
        "test_squares": 2,
        "test_total": 1,  # reads numbers.txt: the data file reached the scratch dir
    }
    assert "assert mean([1, 2, 3]) == 2" in page_text(notebook.feedback_html)


def test_wrong_answers_are_graded_zero_not_left_ungraded(
    sandbox, course_factory, submission
):
    result = grade(course_factory(), "bob", submission(answers=WRONG))

    assert (result.notebook("ps1").status, result.score) == (GRADED, 0)
    assert not result.needs_manual_grade
    assert all(cell.auto_score == 0 for cell in result.notebook("ps1").cells)


def test_failing_a_hidden_test_costs_its_points_and_stays_secret(
    sandbox, course_factory, submission
):
    course = course_factory()
    result = grade(course, "carol", submission(answers=HIDDEN_ONLY_WRONG))

    scores = {c.name: c.score for c in result.notebook("ps1").cells}
    assert scores == {"test_mean": 1, "test_squares": 0, "test_total": 1}
    feedback = page_text(result.notebook("ps1").feedback_html)
    assert CANARY not in feedback and "squares(10)" not in feedback
    assert "squares(3) == [1, 4, 9]" in feedback  # visible tests are still shown
    # The instructor's autograded copy keeps the hidden tests (formgrader needs them).
    autograded = course.root / "autograded" / "carol" / "ps1" / "ps1.ipynb"
    assert CANARY in autograded.read_text()


def test_hidden_tests_are_revealed_only_when_asked(sandbox, course_factory, submission):
    result = grade(course_factory(), "dave", submission(), reveal_hidden_tests=True)

    assert CANARY in page_text(result.notebook("ps1").feedback_html)


def test_malformed_notebook_is_not_graded_rather_than_given_zero(
    sandbox, course_factory
):
    course = course_factory()
    result = grade(course, "erin", b'{"cells": [')

    notebook = result.notebook("ps1")
    assert notebook.status == COULD_NOT_GRADE and result.could_not_grade
    assert "not a readable notebook" in notebook.errors[0]
    assert notebook.needs_manual_grade and notebook.feedback_html is None
    with Gradebook(course.gradebook_url, course_id=course.course_id) as gb:
        grades = gb.find_submission_notebook("ps1", "ps1", "erin").grades
        assert {(g.auto_score, g.needs_manual_grade) for g in grades} == {(None, True)}


def test_a_broken_resubmission_does_not_keep_the_earlier_score(
    sandbox, course_factory, submission
):
    course = course_factory()
    assert grade(course, "frank", submission()).score == 4

    again = grade(course, "frank", b"not json at all")

    assert again.notebook("ps1").status == COULD_NOT_GRADE
    assert all(cell.score is None for cell in again.notebook("ps1").cells)
    assert not (course.root / "autograded" / "frank" / "ps1" / "ps1.ipynb").exists()


def test_a_notebook_not_submitted_scores_zero_as_missing(sandbox, course_factory):
    result = grade_submission(
        course=course_factory(),
        assignment="ps1",
        student="gina",
        files={"notes.txt": b"I ran out of time"},
    )

    assert result.notebook("ps1").status == MISSING
    assert (result.score, result.needs_manual_grade) == (0, False)


def test_grading_an_assignment_never_generated_raises(sandbox, course_factory):
    with pytest.raises(GradingError, match="not in the gradebook"):
        grade_submission(course=course_factory(), assignment="ps9", student="hal")


def test_scores_match_the_nbgrader_autograde_command(
    sandbox, course_factory, submission
):
    notebooks = {
        "right": submission(),
        "wrong": submission(answers=WRONG),
        "hidden": submission(answers=HIDDEN_ONLY_WRONG),
    }
    by_command, by_engine = course_factory(), course_factory()
    for student, notebook in notebooks.items():
        folder = by_command.root / "submitted" / student / "ps1"
        folder.mkdir(parents=True)
        (folder / "ps1.ipynb").write_bytes(notebook)
    run_nbgrader_autograde(by_command)

    engine_scores = {
        student: grade(by_engine, student, notebook, feedback=False)
        for student, notebook in notebooks.items()
    }

    for student, result in engine_scores.items():
        assert cell_scores(by_command, student) == {
            c.name: c.score for c in result.notebook("ps1").cells
        }


def run_nbgrader_autograde(course) -> None:
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    subprocess.run(
        [bin_dir / "nbgrader", "autograde", "ps1", f"--course-dir={course.root}",
         f"--CourseDirectory.course_id={course.course_id}"],
        check=True, env=env, capture_output=True, timeout=180,
    )  # fmt: skip


def cell_scores(course, student) -> dict[str, float]:
    with Gradebook(course.gradebook_url, course_id=course.course_id) as gb:
        grades = gb.find_submission_notebook("ps1", "ps1", student).grades
        return {grade.name: grade.score for grade in grades}


def test_the_boundary_imports_no_django():
    code = "import sys, courses.jupyter; print('django' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
    )
    assert out.stdout.strip() == "False"


def test_the_released_notebook_has_no_hidden_tests(released_course):
    release = released_course.root / "release" / "ps1" / "ps1.ipynb"
    assert CANARY not in release.read_text()
    nbformat.validate(nbformat.read(release, as_version=4))
