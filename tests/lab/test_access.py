"""Who may use a lab after signing in: a disabled LMS account loses its running
lab and cannot sign in to the hub again; a learner who withdrew cannot start a
lab again. A real hub with one system account per lab (tests/labs.py)."""

import re

import pytest
from playwright.sync_api import expect

from courses.enrollment.services import enrollment_create, enrollment_withdraw
from courses.jupyter import names
from tests.labs import SERVER_READY_S, SPAWN_MS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(180),
]

LMS_SIGN_IN = r"/(en/)?accounts/login/"
# Both refusals below come from the hub's refresh before each spawn
# (hub_config/lms_hub.py): LMSAuthenticator.refresh_user re-reads the claims,
# and BaseHandler._token_authenticated defaults to False there so that a failed
# refresh of a browser session is a refusal, not JupyterHub 6.1.1's 500 page.


def lab_groups(lab, name: str) -> set[str]:
    return {group for group in lab.groups(name) if names.is_lab_group(group)}


def sign_in_to_hub(page, lab) -> None:
    """Sign in to the hub through the LMS without starting a lab."""
    page.goto(f"{lab.url}/hub/login?next=%2Fhub%2Fhome")
    expect(page).to_have_url(f"{lab.url}/hub/home", timeout=SPAWN_MS)


def expect_refused(page, response, live_server) -> None:
    """No lab: the LMS's sign-in page or the hub's "no lab yet" page."""
    if response.url.startswith(live_server.url):
        expect(page).to_have_url(re.compile(LMS_SIGN_IN))
    else:
        assert response.status == 403, (response.status, response.url)
        expect(page.get_by_role("heading", name="You have no lab yet")).to_be_visible()


def test_disabled_account_loses_its_running_lab_and_cannot_sign_in_again(
    browser, context, page, lab, lab_person, sign_in, cohort_factory, live_server
):
    person = lab_person("gone")
    enrollment_create(user=person, cohort=cohort_factory())
    sign_in(person)
    page.goto(f"{lab.url}/hub/user-redirect/lab", wait_until="commit")
    lab.wait_until_ready(person.username)

    person.is_active = False
    person.save()  # what the user admin's "active" box does

    lab.wait_for(
        lambda: lab.server(person.username) is None,
        "the lab of a disabled account still runs",
        SERVER_READY_S,  # a stop, like a spawn, is slow on a busy machine
    )
    assert lab_groups(lab, person.username) == set()
    # A fresh browser with the person's LMS session: the LMS asks for a password
    # (which a disabled account cannot pass) and no lab starts.
    fresh = browser.new_context()
    fresh.add_cookies(context.cookies(live_server.url))
    retry = fresh.new_page()
    retry.goto(f"{lab.url}/hub/user-redirect/lab")
    expect(retry).to_have_url(re.compile(LMS_SIGN_IN))
    assert retry.url.startswith(live_server.url)
    fresh.close()
    assert lab.server(person.username) is None


def test_disabled_account_with_a_hub_session_is_refused_a_new_lab(
    page, lab, lab_person, sign_in, cohort_factory, live_server
):
    person = lab_person("stale")
    enrollment_create(user=person, cohort=cohort_factory())
    sign_in(person)
    sign_in_to_hub(page, lab)

    person.is_active = False
    person.save()
    response = page.goto(f"{lab.url}/hub/spawn/{person.username}")  # "Start"

    assert lab.server(person.username) is None
    expect_refused(page, response, live_server)


def test_learner_who_withdrew_cannot_start_the_lab_again(
    page, lab, lab_person, sign_in, cohort_factory, live_server
):
    learner = lab_person("quit")
    enrollment = enrollment_create(user=learner, cohort=cohort_factory()).enrollment
    sign_in(learner)
    sign_in_to_hub(page, lab)
    enrollment_withdraw(enrollment=enrollment, actor=learner)
    lab.wait_for(
        lambda: not lab_groups(lab, learner.username), "groups emptied", SERVER_READY_S
    )

    response = page.goto(f"{lab.url}/hub/spawn/{learner.username}")

    assert lab.server(learner.username) is None, "a lab started without a cohort"
    expect_refused(page, response, live_server)
