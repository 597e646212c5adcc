"""One login into the lab, end to end: Chromium, the LMS (``live_server``) and a
real JupyterHub with one system account per lab (tests/labs.py)."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from courses.core.roles import INSTRUCTORS
from courses.enrollment.services import enrollment_create
from courses.jupyter import names
from tests.browser.helpers import assert_accessible, screenshot
from tests.factories import PASSWORD
from tests.labs import SPAWN_MS, expect_jupyterlab, lab_extensions

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(180),
]


def sign_in_with_password(page, person) -> None:
    """The one password a learner types: the LMS's sign-in form."""
    page.goto("/en/accounts/login/")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def documents_loaded(context) -> list[str]:
    """Record the URL of every page the context's tabs load, redirects included."""
    urls = []
    context.on(
        "request",
        lambda r: urls.append(r.url) if r.is_navigation_request() else None,
    )
    return urls


def test_enrolled_learner_opens_the_lab_from_the_course_page_signing_in_once(
    context, page, lab, lab_person, cohort_factory, english_course
):
    learner = lab_person("learner")
    cohort = cohort_factory()
    enrollment_create(user=learner, cohort=cohort)
    sign_in_with_password(page, learner)
    loaded = documents_loaded(context)

    page.goto(english_course.url)
    with page.expect_popup() as popup:
        page.locator(f"#cohort-{cohort.pk}").get_by_role(
            "link", name="Open lab"
        ).click()
    lab_page = popup.value

    expect_jupyterlab(lab_page, learner.username)
    assert lab_page.url.startswith(f"{lab.url}/user/{learner.username}/lab")
    assert "@jupyter/nbgrader" in lab_extensions(lab_page)
    screenshot(lab_page, "lab-learner-jupyterlab")
    # Through the LMS's OpenID Connect provider, never its password form again.
    assert any("/identity/o/authorize" in url for url in loaded), loaded
    assert any("/hub/oauth_callback" in url for url in loaded), loaded
    assert not any("/accounts/login" in url for url in loaded), loaded
    assert lab_page.get_by_label("Password").count() == 0
    assert lab.groups(learner.username) == {names.learner_group(cohort.lab_course_id)}
    assert lab.server_pid(learner.username)  # runs as lab-<handle>


def test_person_without_enrolment_or_teaching_is_told_why_and_led_back(
    page, lab, lab_person, sign_in, live_server, catalogue
):
    visitor = lab_person("visitor")
    sign_in(visitor)

    response = page.goto(f"{lab.url}/hub/user-redirect/lab")

    assert response.status == 403
    expect(page.get_by_role("heading", name="You have no lab yet")).to_be_visible()
    expect(page.get_by_text("opens to people enrolled in a cohort")).to_be_visible()
    back = page.get_by_role("link", name=re.compile("Browse the courses"))
    expect(back).to_have_attribute("href", f"{live_server.url}/")
    screenshot(page, "lab-refused")
    assert_accessible(page)
    assert lab.user(visitor.username) is None  # no hub account, no lab

    back.click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(catalogue.title)


def test_instructor_lands_in_the_lab_and_in_the_cohorts_grader_group(
    context, page, lab, lab_person, sign_in, roles, cohort_factory
):
    teacher = lab_person("teacher")
    teacher.groups.add(Group.objects.get(name=INSTRUCTORS))
    cohort = cohort_factory(instructors=[teacher])
    sign_in(teacher)

    page.goto("/en/learning/")
    teaching = page.get_by_role("list", name="Teaching")
    with page.expect_popup() as popup:
        teaching.get_by_role("link", name="Open lab").click()
    lab_page = popup.value

    expect_jupyterlab(lab_page, teacher.username)
    screenshot(lab_page, "lab-instructor-jupyterlab")
    assert names.grader_group(cohort.lab_course_id) in lab.groups(teacher.username)
    assert lab.server_pid(teacher.username)  # runs as lab-<handle>


def test_learner_who_withdraws_leaves_the_course_group_within_seconds(
    page, lab, lab_person, sign_in, cohort_factory, english_course
):
    learner = lab_person("leaver")
    cohort = cohort_factory()
    enrollment = enrollment_create(user=learner, cohort=cohort).enrollment
    group = names.learner_group(cohort.lab_course_id)
    sign_in(learner)
    # Signed in to the hub (no lab started): the hub knows the learner's groups.
    page.goto(f"{lab.url}/hub/login?next=%2Fhub%2Fhome")
    expect(page).to_have_url(f"{lab.url}/hub/home", timeout=SPAWN_MS)
    assert group in lab.groups(learner.username)

    page.goto("/en/learning/")
    page.locator(f"#enrollment-{enrollment.pk}").get_by_role(
        "button", name="Withdraw"
    ).click()
    expect(page.get_by_role("status")).to_contain_text("You withdrew")

    lab.wait_for(
        lambda: group not in lab.groups(learner.username),
        "the hub group still holds the learner who withdrew",
        timeout=10,
    )
