"""nbgrader's exchange from inside real labs: the Assignments tab's endpoints and
the nbgrader commands of a lab's terminal fetch from the LMS and submit to it
(hub_config/lms_exchange), and each submission is filed under the learner whose
lab sent it, also when every lab runs as one system account (HUB_SPAWNER=simple).

People sign in to a real hub through the LMS (``live_server``) and their labs
start (tests/lab/kernel.py); the LMS's database shows what arrived.
"""

import json
import pwd
from pathlib import Path

import pytest
import requests
from django.utils import translation
from django.utils.translation import gettext

from courses.enrollment.services import enrollment_create
from courses.grading.models import Assignment, Submission
from courses.grading.services.assignments import assignment_release, assignment_save
from tests.lab.kernel import open_labs, run_in_lab
from tests.labs import system_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(300),
]

SOURCE = Path(__file__).parents[1] / "jupyter" / "fixtures" / "source" / "ps1"
# Runs in a lab's kernel: nbgrader's commands as a terminal runs them, from home.
NBGRADER = """
import json, os, subprocess
os.chdir(os.path.expanduser("~"))

def nbgrader(*args, **env):
    done = subprocess.run(
        ["nbgrader", *args], capture_output=True, text=True,
        env={**os.environ, **env}, timeout=120,
    )
    return {"returncode": done.returncode, "output": done.stdout + done.stderr}
"""
# Runs in a lab's kernel: the learner answers the first question, signed.
ANSWER = """
import nbformat
path = os.path.join({course_id!r}, "ps1", "ps1.ipynb")
notebook = nbformat.read(path, as_version=4)
cell = next(
    c for c in notebook.cells
    if c.metadata.get("nbgrader", {{}}).get("grade_id") == "squares"
)
cell.source = "def squares(n):\\n    return [i * i for i in range(1, n + 1)]  # {mark}"
nbformat.write(notebook, path)
"""


@pytest.fixture
def cohort(cohort_factory):
    return cohort_factory(seats=10)


@pytest.fixture
def released(cohort) -> Assignment:
    """ps1 (tests/jupyter/fixtures/source), checked by nbgrader and released."""
    sources = {p.name: p.read_bytes() for p in SOURCE.iterdir() if p.is_file()}
    assignment = Assignment(cohort=cohort, name="ps1", title="Problem set 1")
    assignment_save(assignment=assignment, sources=sources)  # checked on commit
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.READY, assignment.problems
    return assignment_release(assignment=assignment)


def enrolled(person, cohort):
    enrollment_create(user=person, cohort=cohort)
    return person


class Lab:
    """One learner's running lab, driven as its Assignments tab and terminal do."""

    def __init__(self, hub, name: str, token: str):
        self.url = f"{hub.url}/user/{name}/"
        self.headers = {"Authorization": f"token {token}"}
        self.token = token

    def tab_list(self, course_id: str) -> dict:
        """nbgrader's assignment_list extension: GET <lab>/assignments."""
        response = requests.get(
            f"{self.url}assignments",
            params={"course_id": course_id},
            headers=self.headers,
            timeout=120,
        )
        assert response.status_code == 200, response.text
        return response.json()

    def tab(self, action: str, course_id: str, assignment_id: str = "ps1") -> dict:
        """The tab's Fetch or Submit button: POST <lab>/assignments/<action>."""
        response = requests.post(
            f"{self.url}assignments/{action}",
            data={"course_id": course_id, "assignment_id": assignment_id},
            headers=self.headers,  # a token, so jupyter_server wants no _xsrf
            timeout=120,
        )
        assert response.status_code == 200, response.text
        return response.json()

    def run(self, code: str) -> str:
        return run_in_lab(self.url, self.token, NBGRADER + code)

    def nbgrader(self, *args: str, **env: str) -> dict:
        """``nbgrader <args>`` in the lab, as in its terminal."""
        code = f"print(json.dumps(nbgrader(*{list(args)!r}, **{env!r})))"
        return json.loads(self.run(code).strip().splitlines()[-1])


def open_lab(browser, hub, lms_url: str, person) -> Lab:
    token = open_labs(browser, hub, lms_url, [person])[person.username]
    return Lab(hub, person.username, token)


def attempts(person, assignment) -> list[int]:
    return list(
        Submission.objects.filter(user=person, assignment=assignment)
        .order_by("attempt")
        .values_list("attempt", flat=True)
    )


def submitted_notebook(person, assignment, attempt: int) -> str:
    submission = Submission.objects.get(
        user=person, assignment=assignment, attempt=attempt
    )
    stored = submission.files.get(path="ps1.ipynb").file
    with stored.open("rb"):
        return stored.read().decode()


def statuses(listing: dict) -> list[tuple[str, str]]:
    assert listing["success"], listing["value"]
    return [(a["assignment_id"], a["status"]) for a in listing["value"]]


def test_assignments_tab_fetches_into_the_lab_and_submits_to_the_lms(
    browser, live_server, lab, lab_person, cohort, released
):
    learner = enrolled(lab_person("tab"), cohort)
    course_id = cohort.lab_course_id
    lab_of = open_lab(browser, lab, live_server.url, learner)

    assert statuses(lab_of.tab_list(course_id)) == [("ps1", "released")]
    after_fetch = lab_of.tab("fetch", course_id)

    assert statuses(after_fetch) == [("ps1", "fetched")]
    home = Path(pwd.getpwnam(system_user(learner.username)).pw_dir)
    assert (home / course_id / "ps1" / "ps1.ipynb").is_file()
    for attempt in (1, 2):
        after_submit = lab_of.tab("submit", course_id)

        assert attempts(learner, released) == list(range(1, attempt + 1))
        submitted = dict(statuses(after_submit))["ps1"] == "submitted"
        assert submitted, after_submit
        entry = next(a for a in after_submit["value"] if a["status"] == "submitted")
        assert [s["attempt"] for s in entry["submissions"]] == list(
            range(1, attempt + 1)
        )
    stored = submitted_notebook(learner, released, 2)
    assert "BEGIN SOLUTION" not in stored  # the student version, as fetched


def test_nbgrader_commands_in_a_lab_fetch_and_submit_the_learners_work(
    browser, live_server, lab, lab_person, cohort, released
):
    learner = enrolled(lab_person("cli"), cohort)
    course_id = cohort.lab_course_id
    lab_of = open_lab(browser, lab, live_server.url, learner)

    listed = lab_of.nbgrader("list", "--course", course_id)
    fetched = lab_of.nbgrader("fetch_assignment", "ps1", "--course", course_id)

    assert listed["returncode"] == 0 and "ps1" in listed["output"], listed
    assert fetched["returncode"] == 0, fetched["output"]
    for attempt in (1, 2):
        lab_of.run(ANSWER.format(course_id=course_id, mark=f"answer-{attempt}"))
        submit = lab_of.nbgrader("submit", "ps1", "--course", course_id)

        assert submit["returncode"] == 0, submit["output"]
        assert f"Attempt {attempt} received on time." in submit["output"]
        assert attempts(learner, released) == list(range(1, attempt + 1))
        assert f"# answer-{attempt}" in submitted_notebook(learner, released, attempt)


def test_labs_sharing_one_system_account_file_each_submission_under_its_learner(
    browser, live_server, shared_lab, lab_person, cohort, released
):
    a, b = (enrolled(lab_person(label), cohort) for label in ("sa", "sb"))
    course_id = cohort.lab_course_id
    tokens = open_labs(browser, shared_lab, live_server.url, [a, b])
    labs = {p.username: Lab(shared_lab, p.username, tokens[p.username]) for p in (a, b)}
    who = "import os, pwd; print(pwd.getpwuid(os.getuid()).pw_name, os.getcwd())"
    accounts = {name: lab_of.run(who).split() for name, lab_of in labs.items()}
    assert accounts[a.username][0] == accounts[b.username][0]  # one account
    assert accounts[a.username][1] != accounts[b.username][1]  # two homes

    for person, other in ((a, b), (b, a)):
        lab_of = labs[person.username]
        fetched = lab_of.nbgrader("fetch_assignment", "ps1", "--course", course_id)
        assert fetched["returncode"] == 0, fetched["output"]
        lab_of.run(ANSWER.format(course_id=course_id, mark=f"by-{person.username}"))
        # The LMS never trusts JUPYTERHUB_USER: only the lab's own hub token.
        submit = lab_of.nbgrader(
            "submit", "ps1", "--course", course_id, JUPYTERHUB_USER=other.username
        )

        assert submit["returncode"] == 0, submit["output"]
        assert attempts(person, released) == [1]
        assert f"by-{person.username}" in submitted_notebook(person, released, 1)
    assert Submission.objects.filter(assignment=released).count() == 2


def test_learner_of_another_cohort_lists_nothing_and_can_neither_fetch_nor_submit(
    browser, live_server, lab, lab_person, cohort, cohort_factory, released
):
    outsider = enrolled(lab_person("out"), cohort_factory(seats=10))
    course_id = cohort.lab_course_id
    lab_of = open_lab(browser, lab, live_server.url, outsider)
    with translation.override(outsider.language):
        refusal = gettext("No released assignment %(a)s in course %(c)s for you.") % {
            "a": "ps1",
            "c": course_id,
        }

    listing = lab_of.tab_list(course_id)
    fetch = lab_of.tab("fetch", course_id)
    fetch_command = lab_of.nbgrader("fetch_assignment", "ps1", "--course", course_id)
    # A copy of the assignment from elsewhere, submitted to that cohort.
    folder = f"{course_id}/ps1"
    lab_of.run(f"os.makedirs({folder!r}); open({folder!r} + '/ps1.ipynb', 'w')")
    submit = lab_of.nbgrader("submit", "ps1", "--course", course_id)

    assert statuses(listing) == []
    assert fetch == {"success": False, "value": refusal}
    assert fetch_command["returncode"] != 0
    assert refusal in fetch_command["output"]
    assert submit["returncode"] != 0
    assert refusal in submit["output"]
    assert not Submission.objects.filter(assignment=released).exists()
