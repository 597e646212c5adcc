"""A visitor's first visit, end to end in Chromium: sign up, confirm, enrol."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from courses.enrollment.models import Enrollment
from tests.browser.helpers import assert_accessible, check_layouts

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(120),
]

EMAIL = "minji.kim@example.org"
PASSWORD = "a long passphrase 4 pipeline"
CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")


def test_visitor_signs_up_in_english_confirms_the_email_and_enrols(
    page, mailoutbox, english_pages, cohort_factory
):
    cohort = cohort_factory(title="Spring evening cohort", seats=12)

    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.get_by_role("heading", level=1)).to_have_text("광주 AI 인재 양성")

    page.get_by_role("link", name="English", exact=True).click()
    expect(page).to_have_url(re.compile(r"/en/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Gwangju AI talent pipeline"
    )

    page.get_by_role("link", name="Sign up", exact=True).click()
    check_layouts(page, "journey-sign-up-en")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Name").fill("Minji Kim")
    page.get_by_label("Affiliation").fill("Chonnam National University")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again):", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile("verify your email", re.IGNORECASE)
    )
    assert_accessible(page)

    assert [message.to for message in mailoutbox] == [[EMAIL]]
    link = CONFIRM_LINK.search(mailoutbox[0].body).group(0)
    page.goto(link)
    assert_accessible(page)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    person = get_user_model().objects.get(email=EMAIL)
    assert (person.full_name, person.affiliation, person.language) == (
        "Minji Kim",
        "Chonnam National University",
        "en",
    )

    page.get_by_role("link", name="Tracks", exact=True).click()
    page.get_by_role("link", name="Career change track").click()
    page.get_by_role("link", name="Machine learning basics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Machine learning basics")
    card = page.locator(f"#cohort-{cohort.pk}")
    card.get_by_role("button", name="Enrol").click()
    expect(page.get_by_role("status")).to_contain_text(
        "You are enrolled in Machine learning basics."
    )

    page.get_by_role("link", name="My learning", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My learning")
    enrolment = page.locator(".enrollment-card")
    expect(enrolment).to_have_count(1)
    expect(enrolment.get_by_role("heading", level=2)).to_have_text(
        "Machine learning basics"
    )
    expect(enrolment).to_contain_text("Spring evening cohort")
    expect(enrolment).to_contain_text("Enrolled")
    check_layouts(page, "journey-my-learning-en")
    assert Enrollment.objects.get(user=person).cohort == cohort
