"""nbgrader's instructor menus in JupyterLab: a learner's lab shows none (no
Formgrader, Create assignment or Course list, and typing the formgrader's
address finds nothing) but keeps the Assignment List; an instructor's lab shows
them all. A real hub with one system account per lab (tests/labs.py) and
Chromium; the spawner's choice alone: tests/hub_config/test_lab_menus.py."""

import json

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from courses.core.roles import INSTRUCTORS
from courses.enrollment.services import enrollment_create
from courses.jupyter import names
from courses.jupyter.provision import provision
from tests.browser.helpers import screenshot
from tests.labs import expect_jupyterlab

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(240),
]

INSTRUCTOR_ONLY = {
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:course-list",
}
INSTRUCTOR_ITEMS = ("Formgrader", "Course List", "Create assignment")


@pytest.fixture(scope="module", autouse=True)
def lab_environment():
    """The lab environment with this checkout's lab files (hub_config/learner)."""
    provision()


def disabled_extensions(page) -> set[str]:
    """The plugins the JupyterLab page leaves out (its page config)."""
    config = json.loads(page.locator("#jupyter-config-data").text_content())
    return set(config["disabledExtensions"])


def open_nbgrader_menu(page):
    page.get_by_role("menuitem", name="Nbgrader").click()
    menu = page.locator("#jp-mainmenu-nbgrader")
    expect(menu).to_be_visible()
    return menu


def open_lab(page, lab, person) -> None:
    page.goto(f"{lab.url}/hub/user-redirect/lab")
    expect_jupyterlab(page, person.username)


def test_a_learners_lab_shows_no_instructor_menu_and_no_formgrader(
    page, lab, lab_person, sign_in, cohort_factory
):
    learner = lab_person("menus")
    cohort = cohort_factory()
    enrollment_create(user=learner, cohort=cohort)
    sign_in(learner)

    open_lab(page, lab, learner)

    assert lab.groups(learner.username) == {names.learner_group(cohort.lab_course_id)}
    assert disabled_extensions(page) >= INSTRUCTOR_ONLY
    menu = open_nbgrader_menu(page)
    expect(menu.get_by_role("menuitem", name="Assignment List")).to_be_visible()
    for item in INSTRUCTOR_ITEMS:
        expect(menu.get_by_role("menuitem", name=item, exact=True)).to_have_count(0)
    screenshot(page, "lab-learner-nbgrader-menu")
    menu.get_by_role("menuitem", name="Assignment List").click()
    expect(page.get_by_role("tab", name="Assignments")).to_be_visible()
    expect(page.get_by_role("tab", name="Create Assignment")).to_have_count(0)
    # Typed by hand: the lab serves neither the formgrader nor the course list.
    base = f"{lab.url}/user/{learner.username}"
    assert page.goto(f"{base}/formgrader").status == 404
    assert page.goto(f"{base}/formgraders").status == 404


def test_an_instructors_lab_shows_the_instructor_menus(
    page, lab, lab_person, sign_in, roles, cohort_factory
):
    teacher = lab_person("menut")
    teacher.groups.add(Group.objects.get(name=INSTRUCTORS))
    cohort = cohort_factory(instructors=[teacher])
    sign_in(teacher)

    open_lab(page, lab, teacher)

    assert names.grader_group(cohort.lab_course_id) in lab.groups(teacher.username)
    assert not disabled_extensions(page) & INSTRUCTOR_ONLY
    menu = open_nbgrader_menu(page)
    for item in ("Assignment List", *INSTRUCTOR_ITEMS):
        expect(menu.get_by_role("menuitem", name=item, exact=True)).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("tab", name="Create Assignment")).to_be_visible()
    base = f"{lab.url}/user/{teacher.username}"
    assert page.goto(f"{base}/formgrader").status == 200
