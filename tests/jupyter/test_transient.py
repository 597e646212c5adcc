"""Failures outside the learner's code (courses.jupyter.nbgrader_app): a kernel
that does not start and a locked gradebook raise TransientGradingError, so the
LMS tries again later instead of blaming the notebook. With the real sandbox
and nbgrader."""

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from courses.jupyter import SandboxLimits, grade_submission
from courses.jupyter.nbgrader_app import TransientGradingError
from tests.jupyter.conftest import SAWARNING

pytestmark = [SAWARNING, pytest.mark.timeout(120)]
LIMITS = SandboxLimits(timeout_per_cell=3)


def grade(course, submission, sandbox):
    return grade_submission(
        course=course,
        assignment="ps1",
        student="alice",
        notebooks={"ps1": submission()},
        limits=LIMITS,
        sandbox=sandbox,
        feedback=False,
    )


def test_a_kernel_that_does_not_start_is_transient(sandbox, course_factory, submission):
    broken = dataclasses.replace(sandbox, python=Path("/nonexistent/python3"))
    with pytest.raises(TransientGradingError):
        grade(course_factory(), submission, broken)


def test_a_locked_gradebook_is_transient_and_the_next_try_grades(
    sandbox, course_factory, submission
):
    course = course_factory()
    holder = sqlite3.connect(course.root / "gradebook.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another writer that never lets go
    try:
        with pytest.raises(TransientGradingError):
            grade(course, submission, sandbox)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    result = grade(course, submission, sandbox)
    assert not result.could_not_grade and result.score == result.max_score
