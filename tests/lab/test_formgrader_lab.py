"""nbgrader's formgrader through the hub, for the cohort's instructors only: the
LMS prepares the cohort's course and starts its grader server, an instructor
signed in to the LMS lands in the formgrader with no other password and gives
a score by hand there, and the LMS takes it. A learner, the instructor of
another cohort and one who stopped teaching it are refused by the hub; the
formgrader runs no learner's code, starts no kernel or terminal and changes no
file. Opening it checks and repairs it: a server that was killed, a course
directory or a whole account that was deleted are made again."""

import json
import os
import pwd
import re
import shutil
import signal

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from courses.core.roles import INSTRUCTORS
from courses.enrollment.cohorts import cohort_save
from courses.grading.models import Submission
from courses.grading.services.formgrader import formgrader_user
from courses.grading.services.formgrader_sync import (
    formgrader_sync,
    formgrader_sync_all,
)
from courses.jupyter import names
from tests.browser.helpers import screenshot
from tests.grading.fixtures import wait_for
from tests.lab.kernel import signed_in_context
from tests.labs import SPAWN_MS
from tests.runs import delete_account

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore:Object of type <Submitted"),
    pytest.mark.timeout(400),
]

# In the formgrader's page: its own API, as its buttons call it.
API = """async ([method, path, body]) => {
    const xsrf = (document.cookie.match(/(?:^|; )_xsrf=([^;]*)/) || [])[1] || "";
    const response = await fetch(path, {
        method, headers: {"X-XSRFToken": decodeURIComponent(xsrf),
                          "Content-Type": "application/json"},
        body: body === null ? undefined : JSON.stringify(body),
    });
    return {status: response.status, text: await response.text()};
}"""


@pytest.fixture
def teacher(lab_person, roles):
    def make(label: str, cohort):
        person = lab_person(label)
        person.groups.add(Group.objects.get(name=INSTRUCTORS))
        cohort_save(cohort=cohort, instructors=[*cohort.instructors.all(), person])
        return person

    return make


def call(page, method: str, path: str, body=None) -> dict:
    return page.evaluate(API, [method, path, body])


def open_formgrader(page, live_server, lab, cohort) -> str:
    """Open the cohort's formgrader from the LMS, as its button does; return
    its base URL once it shows."""
    base = f"{lab.url}/user/{formgrader_user(cohort)}"
    page.goto(f"{live_server.url}/admin/cohort/{cohort.pk}/formgrader/")
    expect(page).to_have_url(
        re.compile(rf"{re.escape(base)}/formgrader"), timeout=SPAWN_MS
    )
    return base


def test_an_instructor_grades_by_hand_in_the_formgrader_and_the_lms_takes_it(
    browser,
    live_server,
    lab,
    teacher,
    lab_person,
    manual_assignment,
    submit,
    answer,
    cohort_enrol,
    formgrader_accounts,
    english_ui,
):
    cohort = manual_assignment.cohort
    instructor = teacher("teach", cohort)
    learner = cohort_enrol(lab_person("learn"))
    submission = submit(answer(), user=learner)  # graded: "explain" waits
    assert submission.status == Submission.Status.MANUAL
    grader = formgrader_user(cohort)
    lab.handles.append(grader)  # its server stops after the test

    context = signed_in_context(browser, live_server.url, instructor)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/cohort/{cohort.pk}/formgrader/")
    base = f"{lab.url}/user/{grader}"
    expect(page).to_have_url(
        re.compile(rf"{re.escape(base)}/formgrader"), timeout=SPAWN_MS
    )
    expect(page.get_by_text("Manual Grading").first).to_be_visible()
    expect(page.locator("#warning-exchange")).to_have_count(0)  # the LMS is it

    listed = call(page, "GET", f"{base}/formgrader/api/submitted_notebooks/ps1/ps1")
    assert listed["status"] == 200, listed
    (notebook,) = json.loads(listed["text"])
    assert notebook["student"] == learner.username and notebook["needs_manual_grade"]
    # Grading by hand in the formgrader's own page, as an instructor does.
    page.goto(f"{base}/formgrader/submissions/{notebook['id']}/?index=0")
    note = "Clear; say why squares grow."
    page.locator("#explain").fill("1.5")
    page.locator("#explain-comment").fill(note)
    page.locator("#explain").focus()  # leaving the comment saves it
    screenshot(page, "formgrader-submission")

    # What the sweeper does every 30 s while the formgrader runs: here, at once.
    def graded_in_the_lms():
        formgrader_sync_all()
        submission.refresh_from_db()
        return submission.status == Submission.Status.GRADED and (
            submission.grader_comments
        )

    wait_for(graded_in_the_lms, "the formgrader's score and comment in the LMS", 30)
    assert float(submission.score) == 5.5
    assert submission.grader_comments == {"ps1/explain": note}

    # Grading by hand only: what would run learners' code, or rebuild what the
    # LMS holds, answers with the LMS's address; no kernel, terminal or write.
    autograde = call(
        page,
        "POST",
        f"{base}/formgrader/api/submission/ps1/{learner.username}/autograde",
    )
    assert autograde["status"] == 200
    answered = json.loads(autograde["text"])
    assert (
        answered["success"] is False
        and "autograded (in a sandbox)" in answered["error"]
    )
    # Refused by its kernel manager, by any name: not by an accident such as
    # too long a socket path (the allow-list of kernels refuses no start).
    for name in ("python3", "lms-formgrader-runs-no-kernels"):
        kernel = call(page, "POST", f"{base}/api/kernels", {"name": name})
        assert kernel["status"] == 403, kernel
    session = call(
        page, "POST", f"{base}/api/sessions",
        {"path": "x.ipynb", "type": "notebook", "kernel": {"name": "python3"}},
    )  # fmt: skip
    # jupyter_server answers 500 around the manager's refusal there.
    assert session["status"] >= 400 and "runs no code" in session["text"], session
    assert json.loads(call(page, "GET", f"{base}/api/kernels")["text"]) == []
    terminal = call(page, "POST", f"{base}/api/terminals")
    assert terminal["status"] == 404, terminal
    write = call(
        page, "PUT", f"{base}/api/contents/nbgrader_config.py",
        {"type": "file", "format": "text", "content": "import os"},
    )  # fmt: skip
    assert write["status"] == 403, write
    context.close()


def test_only_the_cohorts_instructors_get_into_its_formgrader(
    browser,
    live_server,
    lab,
    teacher,
    lab_person,
    manual_assignment,
    cohort_factory,
    cohort_enrol,
    formgrader_accounts,
    english_ui,
):
    cohort = manual_assignment.cohort
    grader = formgrader_user(cohort)
    lab.handles.append(grader)
    instructor = teacher("own", cohort)
    learner = cohort_enrol(lab_person("pupil"))
    elsewhere = teacher("other", cohort_factory(seats=5))

    context = signed_in_context(browser, live_server.url, instructor)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/cohort/{cohort.pk}/formgrader/")
    expect(page).to_have_url(
        re.compile(rf"/user/{grader}/formgrader"), timeout=SPAWN_MS
    )
    context.close()

    # An instructor who stops teaching the cohort loses it at the next sync.
    cohort_save(cohort=cohort, instructors=[])
    formgrader_sync(cohort=cohort)
    assert instructor.username not in lab.request("GET", f"/shares/{grader}/").text

    for person in (learner, elsewhere, instructor):
        context = signed_in_context(browser, live_server.url, person)
        page = context.new_page()
        page.goto(f"{lab.url}/hub/login?next=%2Fhub%2Fhome")  # signed in to the hub
        response = page.goto(f"{lab.url}/user/{grader}/formgrader")
        assert response.status == 403, (person.username, response.status, page.url)
        expect(page.get_by_text("Manage Assignments")).to_have_count(0)
        context.close()


def test_the_formgrader_heals_when_its_server_course_or_account_is_gone(
    browser,
    live_server,
    lab,
    teacher,
    lab_person,
    manual_assignment,
    submit,
    answer,
    cohort_enrol,
    formgrader_accounts,
    english_ui,
):
    cohort = manual_assignment.cohort
    instructor = teacher("heal", cohort)
    learner = cohort_enrol(lab_person("healed"))
    submit(answer(), user=learner)
    grader = formgrader_user(cohort)
    lab.handles.append(grader)
    context = signed_in_context(browser, live_server.url, instructor)
    page = context.new_page()
    open_formgrader(page, live_server, lab, cohort)

    def listed(base: str) -> list:
        found = call(page, "GET", f"{base}/formgrader/api/submitted_notebooks/ps1/ps1")
        assert found["status"] == 200, found
        return [n["student"] for n in json.loads(found["text"])]

    account = names.system_user(grader)
    # Its server killed and its course deleted, the hub not told: the next
    # opening prepares the course again and starts a new server.
    os.kill(lab.server_pid(grader), signal.SIGKILL)
    shutil.rmtree(os.path.join(pwd.getpwnam(account).pw_dir, "course"))
    assert listed(open_formgrader(page, live_server, lab, cohort)) == [learner.username]
    # The whole account gone (what tests once did to a running LMS's).
    delete_account(account)
    assert listed(open_formgrader(page, live_server, lab, cohort)) == [learner.username]
    # And once more with nothing wrong: it opens as it is.
    server = lab.server_pid(grader)
    open_formgrader(page, live_server, lab, cohort)
    assert lab.server_pid(grader) == server
    context.close()
