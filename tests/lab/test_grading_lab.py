"""The whole path with real processes: a learner submits from a real lab
(``nbgrader submit``), a real task worker (``db_worker``) grades it with a
sandboxed kernel, the LMS's assignment page shows the score, the instructor
releases feedback (rendered by the worker), and the lab fetches it
(``nbgrader fetch_feedback``)."""

import glob
import pwd
from pathlib import Path

import pytest

from courses.grading.models import Submission
from courses.grading.services.feedback import feedback_release
from tests.grading.fixtures import wait_for
from tests.lab.test_exchange_lab import ANSWER, open_lab
from tests.labs import system_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore:Object of type <Submitted"),
    pytest.mark.timeout(400),
]


def test_submit_in_the_lab_graded_by_a_worker_feedback_back_in_the_lab(
    browser,
    live_server,
    lab,
    lab_person,
    assignment,
    cohort_enrol,
    worker,
    client_for,
    english_ui,
):
    learner = cohort_enrol(lab_person("grade"))
    course_id = assignment.cohort.lab_course_id
    worker()
    lab_of = open_lab(browser, lab, live_server.url, learner)
    fetched = lab_of.nbgrader("fetch_assignment", "ps1", "--course", course_id)
    assert fetched["returncode"] == 0, fetched["output"]
    lab_of.run(ANSWER.format(course_id=course_id, mark="mine"))  # squares only
    submitted = lab_of.nbgrader("submit", "ps1", "--course", course_id)
    assert submitted["returncode"] == 0, submitted["output"]

    submission = wait_for(
        lambda: Submission.objects.filter(
            user=learner, status=Submission.Status.GRADED
        ).first(),
        "the worker to grade the submission",
        180,
    )
    # squares right (2 points); mean and total left as fetched (0 of 2).
    assert (submission.score, submission.max_score) == (2, 4)
    page = client_for(learner).get(f"/en/assignments/{assignment.pk}/")
    assert "<strong>2</strong> / 4" in page.content.decode()

    assert feedback_release(assignment=assignment) == 1  # the worker renders it
    wait_for(
        lambda: Submission.objects.filter(
            pk=submission.pk, feedback_released_at__isnull=False
        ).exists(),
        "the worker to make the feedback",
    )
    got = lab_of.nbgrader("fetch_feedback", "ps1", "--course", course_id)
    assert got["returncode"] == 0, got["output"]
    home = Path(pwd.getpwnam(system_user(learner.username)).pw_dir)
    pages = glob.glob(str(home / course_id / "ps1" / "feedback" / "*" / "ps1.html"))
    assert len(pages) == 1, got["output"]
    html = Path(pages[0]).read_text()
    assert "HIDDEN-CANARY" not in html
    assert "2.0 / 4.0" in html
