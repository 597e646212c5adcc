"""Grading notes (courses/grading_notes.py): each note the grader leaves, in the
reader's language, on the learner's attempts and the instructor's submission page;
and, with real sandboxed kernels, the notes a graded submission gets."""

import nbformat
import pytest
from django.urls import reverse
from django.utils import translation

from courses.grading.models import Submission
from courses.grading.notes import NOTE_TEXTS, grading_notes_text
from tests.grading.test_gradebook import (
    enrol,
    make_assignment,
    make_submission,
)

Status = Submission.Status
TIMEOUT = {"code": "cell_timeout", "notebook": "ps1", "cell": 4, "seconds": 30}
EXAMPLES = {
    "cell_timeout": (TIMEOUT, "ps1: Cell 4 was stopped at the time limit of 30 "),
    "notebook_timeout": ({"seconds": 300}, "time limit of 300 seconds"),
    "kernel_died": ({"cell": 2}, "Cell 2: the kernel died"),
    "kernel_stuck": ({"cell": 2, "seconds": 30}, "time limit of 30 seconds"),
    "output_truncated": ({"bytes": 2 * 1024 * 1024}, "Output past 2.0\xa0MB"),
    "grade_cell_changed": ({"cell": "test_mean"}, "“test_mean” was changed"),
    "cell_changed": ({"cell": "intro"}, "“intro” was changed"),
    "too_large": ({"bytes": 20 * 1024 * 1024}, "larger than 20.0\xa0MB"),
    "not_a_notebook": ({}, "not a readable notebook"),
    "too_many_cells": ({"cells": 1207, "max_cells": 1000}, "1207 cells"),
    "broken_metadata": ({"cell": 3}, "Cell 3: its grading metadata"),
    "autograde_failed": ({}, "could not be graded automatically"),
}
GENERIC = "Grading left a note about this notebook"


def text(note: dict, language: str = "en") -> str:
    with translation.override(language):
        [sentence] = grading_notes_text([note])
    return sentence


@pytest.mark.parametrize("code", sorted(NOTE_TEXTS))
def test_each_note_states_its_params_in_english_and_korean(code):
    params, expected = EXAMPLES[code]
    note = {"notebook": "ps1", **params, "code": code}

    english, korean = text(note), text(note, "ko")

    assert english.startswith("ps1: ") and expected in english
    assert korean.startswith("ps1: ") and korean != english
    for value in params.values():
        if isinstance(value, int) and code not in ("output_truncated", "too_large"):
            assert str(value) in korean  # the limit that applied, in both


@pytest.mark.parametrize(
    "note",
    [
        {"code": "something_new", "notebook": "ps1", "detail": "Traceback: boom"},
        {"code": "cell_timeout", "notebook": "ps1"},  # its params are missing
        {"code": "cell_timeout", "cell": ["x"], "seconds": {"a": 1}},
        "RuntimeError: Traceback (most recent call last)",
        None,
    ],
)
def test_an_unknown_or_broken_note_is_told_generically_never_raw(note):
    sentence = text(note)
    assert GENERIC in sentence
    assert "Traceback" not in sentence and "RuntimeError" not in sentence


def test_no_notes_means_no_sentences():
    assert grading_notes_text([]) == grading_notes_text(None) == []


# Pages ---------------------------------------------------------------------------


@pytest.fixture
def listed(cohort_factory, instructor, learner):
    """An assignment of a cohort the learner is in (no grading: notes are set)."""
    cohort = cohort_factory(instructors=[instructor])
    enrol(cohort, learner)
    return make_assignment(cohort, "ps1", due_in_days=3)


def learner_page(client, user, assignment, language="en") -> str:
    client.force_login(user)
    with translation.override(language):
        url = reverse("courses:assignment", args=[assignment.pk])
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


@pytest.mark.django_db
def test_the_learner_reads_the_notes_of_a_graded_attempt_in_their_language(
    client, listed, learner
):
    make_submission(listed, learner, grading_notes=[TIMEOUT])

    assert "Cell 4 was stopped at the time limit of 30 seconds" in learner_page(
        client, learner, listed
    )
    assert "30초" in learner_page(client, learner, listed, "ko")


@pytest.mark.django_db
def test_an_attempt_waiting_for_grading_by_hand_says_why(client, listed, learner):
    died = {"code": "kernel_died", "notebook": "ps1", "cell": 2}
    make_submission(listed, learner, status=Status.MANUAL, grading_notes=[died])

    html = learner_page(client, learner, listed)

    assert "Cell 2: the kernel died" in html
    assert "an instructor grades this notebook by hand" in html


@pytest.mark.django_db
def test_a_failed_attempt_shows_the_delay_not_old_notes(client, listed, learner):
    make_submission(
        listed, learner, status=Status.FAILED, grading_notes=[TIMEOUT],
        grading_error="OperationalError: database is locked",
    )  # fmt: skip

    html = learner_page(client, learner, listed)

    assert "Grading is delayed" in html
    assert "time limit" not in html and "OperationalError" not in html


@pytest.mark.django_db
@pytest.mark.usefixtures("english_ui")
def test_the_instructor_sees_the_notes_and_the_grading_log(
    english_admin_client_for, instructor, listed, learner
):
    submission = make_submission(
        listed, learner, grading_notes=[TIMEOUT],
        grading_error="ps1: Cell 4 was stopped at the time limit of 30 s per cell.",
    )  # fmt: skip

    page = english_admin_client_for(instructor).get(
        reverse("submission:inspect", args=[submission.pk])
    )

    html = page.content.decode()
    assert "Cell 4 was stopped at the time limit of 30 seconds per cell" in html
    assert "Grading log" in html and "30 s per cell." in html


# Graded for real ------------------------------------------------------------------

# Workers grade in their own threads and connections: they must see commits.
GRADING_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)
SAWARNING = pytest.mark.filterwarnings("ignore:Object of type <Submitted")


@GRADING_DB
@SAWARNING
def test_a_looping_answer_is_told_the_assignments_own_cell_limit(
    client, submit, answer
):
    notebook = answer(mean="def mean(xs):\n    while True:\n        pass")
    cell = position(notebook, "test_mean")  # the test calls the looping mean

    submission = submit(notebook)

    assert submission.status == Status.GRADED
    assert submission.grading_notes == [
        {"code": "cell_timeout", "notebook": "ps1", "cell": cell, "seconds": 3}
    ]  # the assignment allows 3 s per cell (tests/grading/fixtures.py)
    html = learner_page(client, submission.user, submission.assignment)
    assert f"Cell {cell} was stopped at the time limit of 3 seconds per cell" in html


def position(notebook: bytes, grade_id: str) -> int:
    """The cell's place in the notebook, counted from 1 as the notes do."""
    cells = nbformat.reads(notebook.decode(), as_version=4).cells
    ids = [cell.metadata.get("nbgrader", {}).get("grade_id") for cell in cells]
    return ids.index(grade_id) + 1


@GRADING_DB
@SAWARNING
def test_a_kernel_that_died_leaves_the_attempt_to_a_person_and_says_so(
    client, submit, answer
):
    submission = submit(answer(before=["import os\nos.kill(os.getpid(), 9)"]))

    assert (submission.status, submission.score) == (Status.MANUAL, None)
    assert submission.grading_notes == [
        {"code": "kernel_died", "notebook": "ps1", "cell": 1}
    ]
    assert all(row.needs_manual_grade for row in submission.scores.all())
    html = learner_page(client, submission.user, submission.assignment)
    assert "Cell 1: the kernel died" in html
