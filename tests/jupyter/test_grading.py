"""grade_submission on ordinary submissions, with real sandboxed kernels."""

import json
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
from courses.jupyter.grading import precheck
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


def run_nbgrader_autograde(course, check: bool = True) -> str:
    """``nbgrader autograde ps1`` on the course; what it logged."""
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    done = subprocess.run(
        [bin_dir / "nbgrader", "autograde", "ps1", f"--course-dir={course.root}",
         f"--CourseDirectory.course_id={course.course_id}"],
        check=check, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    return done.stdout + done.stderr


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


# Notes: what the learner and the instructor are told ---------------------------

LOOP = "while True:\n    pass"
LOOP_IGNORING_INTERRUPTS = (
    "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n" + LOOP
)
KILL_OWN_KERNEL = "import os\nos.kill(os.getpid(), 9)"
TAMPERED_TEST = "assert True  # the learner's own version of the test"


def notes_of(result) -> list[dict]:
    notes = result.notes
    assert json.loads(json.dumps(notes)) == notes  # stored as JSON by the LMS
    return notes


def test_a_cell_past_its_limit_is_noted_with_that_limit(
    sandbox, course_factory, submission
):
    limits = SandboxLimits(timeout_per_cell=2, timeout_per_notebook=60)

    result = grade_submission(
        course=course_factory(), assignment="ps1", student="lena",
        notebooks={"ps1": submission(before=[LOOP])}, limits=limits, feedback=False,
    )  # fmt: skip

    assert result.score == 4  # interrupted, the rest ran
    assert notes_of(result) == [
        {"code": "cell_timeout", "notebook": "ps1", "cell": 1, "seconds": 2}
    ]
    assert result.errors == (
        "ps1: Cell 1 was stopped at the time limit of 2 s per cell.",
    )


def test_a_kernel_ignoring_the_interrupt_is_noted_with_the_cell_limit_not_4_s(
    sandbox, course_factory, submission
):
    # nbclient then waits 4 s for output and says "timed out after 4 seconds":
    # the note must state the learner's limit instead.
    limits = SandboxLimits(timeout_per_cell=2, timeout_per_notebook=60)

    result = grade_submission(
        course=course_factory(), assignment="ps1", student="mona",
        notebooks={"ps1": submission(before=[LOOP_IGNORING_INTERRUPTS])},
        limits=limits, feedback=False,
    )  # fmt: skip

    assert (result.notebooks[0].status, result.score) == (GRADED, 0)
    assert notes_of(result) == [
        {"code": "cell_timeout", "notebook": "ps1", "cell": 1, "seconds": 2},
        {"code": "kernel_stuck", "notebook": "ps1", "cell": 1, "seconds": 2},
    ]
    assert not any("4 s" in e or "4 seconds" in e for e in result.errors)


def test_the_notebook_limit_is_noted_when_it_cuts_a_cell_short(
    sandbox, course_factory, submission
):
    limits = SandboxLimits(timeout_per_cell=3, timeout_per_notebook=4)

    result = grade_submission(
        course=course_factory(), assignment="ps1", student="nina",
        notebooks={"ps1": submission(before=[LOOP, LOOP])}, limits=limits,
        feedback=False,
    )  # fmt: skip

    assert result.score == 0  # the tests were not run
    assert notes_of(result) == [
        {"code": "cell_timeout", "notebook": "ps1", "cell": 1, "seconds": 3},
        {"code": "notebook_timeout", "notebook": "ps1", "seconds": 4},
    ]


def test_output_past_the_limit_is_noted_with_the_limit(
    sandbox, course_factory, submission
):
    limits = SandboxLimits(output_bytes=1000)

    result = grade_submission(
        course=course_factory(), assignment="ps1", student="omar",
        notebooks={"ps1": submission(before=["print('z' * 5000)"])}, limits=limits,
        feedback=False,
    )  # fmt: skip

    assert result.score == 4
    assert notes_of(result) == [
        {"code": "output_truncated", "notebook": "ps1", "bytes": 1000}
    ]


@pytest.mark.parametrize(
    ("limits", "notebook", "note"),
    [
        (SandboxLimits(notebook_bytes=100), None, {"code": "too_large", "bytes": 100}),
        (SandboxLimits(max_cells=3), None,
         {"code": "too_many_cells", "cells": 7, "max_cells": 3}),
        (SandboxLimits(), b"{not json", {"code": "not_a_notebook"}),
    ],
)  # fmt: skip
def test_a_notebook_refused_before_grading_is_noted_without_the_parsers_words(
    sandbox, course_factory, submission, limits, notebook, note
):
    result = grade_submission(
        course=course_factory(), assignment="ps1", student="pia",
        notebooks={"ps1": notebook or submission()}, limits=limits, feedback=False,
    )  # fmt: skip

    assert result.could_not_grade and result.needs_manual_grade
    assert notes_of(result) == [{**note, "notebook": "ps1"}]
    assert result.errors  # the English reason, for staff, as before


def test_broken_nbgrader_metadata_is_noted_with_its_cell(tmp_path, submission):
    nb = nbformat.reads(submission(), as_version=4)
    graded = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade"))
    del graded.metadata.nbgrader["grade_id"]
    path = tmp_path / "ps1.ipynb"
    nbformat.write(nb, path)
    note = precheck(path, SandboxLimits())
    index = nb.cells.index(graded) + 1
    assert (note.code, dict(note.params)) == ("broken_metadata", {"cell": index})
    assert "no grade id" in note.english  # the detail, for staff


def test_a_killed_kernel_is_left_for_grading_by_hand_as_nbgrader_autograde_does(
    sandbox, course_factory, submission
):
    notebooks = {
        "killer": submission(before=["x = 1", KILL_OWN_KERNEL]),
        "tamper": tampered(submission(), "test_mean"),
    }
    by_command, by_engine = course_factory(), course_factory()
    for student, notebook in notebooks.items():
        folder = by_command.root / "submitted" / student / "ps1"
        folder.mkdir(parents=True)
        (folder / "ps1.ipynb").write_bytes(notebook)
    log = run_nbgrader_autograde(by_command, check=False)

    killed = grade(by_engine, "killer", notebooks["killer"], feedback=False)
    tampered_result = grade(by_engine, "tamper", notebooks["tamper"], feedback=False)

    # The command fails that notebook and leaves every grade to a person.
    assert "DeadKernelError" in log
    assert grades(by_command, "killer") == grades(by_engine, "killer")
    assert set(grades(by_engine, "killer").values()) == {(None, True)}
    notebook = killed.notebook("ps1")
    assert (notebook.status, notebook.needs_manual_grade) == (COULD_NOT_GRADE, True)
    assert notes_of(killed) == [{"code": "kernel_died", "notebook": "ps1", "cell": 2}]
    assert not (by_engine.root / "autograded" / "killer" / "ps1" / "ps1.ipynb").exists()
    # A changed test: the command warns and grades the released one; so do we.
    assert "Attribute 'checksum' for cell test_mean has changed!" in log
    assert grades(by_command, "tamper") == grades(by_engine, "tamper")
    assert tampered_result.score == 4
    assert notes_of(tampered_result) == [
        {"code": "grade_cell_changed", "notebook": "ps1", "cell": "test_mean",
         "change": "checksum"}
    ]  # fmt: skip


def tampered(notebook: bytes, grade_id: str) -> bytes:
    nb = nbformat.reads(notebook.decode(), as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = TAMPERED_TEST
    return nbformat.writes(nb).encode()


def grades(course, student) -> dict[str, tuple]:
    """Each grade's automatic score and flag, as nbgrader's gradebook holds it."""
    with Gradebook(course.gradebook_url, course_id=course.course_id) as gb:
        submitted = gb.find_submission_notebook("ps1", "ps1", student)
        return {g.name: (g.auto_score, g.needs_manual_grade) for g in submitted.grades}
