"""Many attempts graded at once (courses/services/grading.py with
courses.jupyter.learner_course): two task worker processes of two lanes each
grade 20 attempts of 5 learners, each learner's attempts racing each other.
Every attempt ends graded, exactly once, with the scores a serial run gives.

Before each learner had a course directory of their own, two attempts of one
learner wrote the cohort's gradebook together and one failed with
``UNIQUE constraint failed`` (2 of 3 tries)."""

import random

import pytest

from courses.grading.models import Submission
from courses.grading.services.autograde import grading_run
from tests.factories import UserFactory
from tests.grading.fixtures import HIDDEN_ONLY, WRONG_SQUARES, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore:Object of type <Submitted"),
    pytest.mark.timeout(600),
]
ANSWERS = {
    "right": {},
    "wrong": {"squares": WRONG_SQUARES},
    "hidden": {"squares": HIDDEN_ONLY},
    "crash": {"mean": "raise ValueError('no')"},
}
LEARNERS = 5


def per_cell(submission: Submission) -> dict:
    return {
        (r.notebook, r.cell): (r.score, r.failed_tests, r.needs_manual_grade)
        for r in submission.scores.all()
    }


def test_twenty_attempts_of_five_learners_at_once_are_each_graded_once_as_serially(
    worker, submit, answer, cohort_enrol, settings, assignment
):
    from courses.grading.services.autograde import grade_submissions

    assignment.max_attempts = len(ANSWERS)
    assignment.save(update_fields=["max_attempts"])

    notebooks = {kind: answer(**changes) for kind, changes in ANSWERS.items()}
    settings.GRADING_CONCURRENCY = 1  # the serial run, in this process
    serial = {}
    for kind, notebook in notebooks.items():
        submission = submit(notebook, grade=False)
        grading_run(submission_ids=[submission.pk])
        submission.refresh_from_db()
        assert submission.status == Submission.Status.GRADED, submission.grading_error
        serial[kind] = (submission.score, per_cell(submission))

    shuffle = random.Random(14)
    attempts: list[tuple[str, Submission]] = []
    for _ in range(LEARNERS):
        learner = cohort_enrol(UserFactory())
        kinds = list(ANSWERS)
        shuffle.shuffle(kinds)
        for kind in kinds:
            attempts.append((kind, submit(notebooks[kind], user=learner, grade=False)))
    for process in (worker(), worker()):  # 2 processes x 2 lanes
        assert process.poll() is None
    for _kind, submission in attempts:  # one task per attempt, as the lab submits
        grade_submissions.enqueue([submission.pk])

    ids = [s.pk for _, s in attempts]
    Status = Submission.Status
    done = (Status.GRADED, Status.MANUAL, Status.FAILED)

    def finished() -> bool:
        return not Submission.objects.filter(pk__in=ids).exclude(status__in=done)

    wait_for(finished, "every attempt graded", timeout=480)
    for kind, submission in attempts:
        submission.refresh_from_db()
        assert submission.status == Status.GRADED, submission.grading_error
        assert submission.grading_tries == 1, "graded more than once"
        assert (submission.score, per_cell(submission)) == serial[kind], kind
    assert len(attempts) == 4 * LEARNERS
