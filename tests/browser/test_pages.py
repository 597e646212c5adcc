"""The learner-facing pages in Korean and English: accessible and fit for phones.

Each page is checked with axe-core (no serious or critical violation) at desktop
and phone width, must not scroll sideways, and is saved as a screenshot under
test-artifacts/screenshots/<page>-<language>-<width>.png.
"""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses.enrollment.models import Cohort
from courses.enrollment.services import enrollment_apply, enrollment_create
from tests.browser.helpers import (
    assert_accessible,
    assert_fits,
    each_width,
    screenshot,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(120),
]

# name: (path in Korean, signed in?)
PAGES = {
    "home": ("/", False),
    "track": ("/vocational/", False),
    "course": ("/vocational/ml-basics/", False),
    "course-signed-in": ("/vocational/ml-basics/", True),
    "sign-up": ("/accounts/signup/", False),
    "my-learning": ("/learning/", True),
}


@pytest.fixture
def cohorts(english_pages, cohort_factory, learner, other_learner):
    """Cohorts in every state a learner meets, and the learner in three of them."""
    now = timezone.now()
    open_now = cohort_factory(title="Spring evening cohort")
    full = cohort_factory(code="full", title="Saturday cohort", seats=1)
    by_application = cohort_factory(code="by-application", mode=Cohort.Mode.APPROVAL)
    cohort_factory(
        code="autumn",
        enrollment_opens_at=now + dt.timedelta(days=30),
        enrollment_closes_at=now + dt.timedelta(days=45),
    )
    cohort_factory(code="cancelled", is_cancelled=True)
    enrollment_create(user=other_learner, cohort=full)
    enrollment_create(user=learner, cohort=open_now)
    enrollment_create(user=learner, cohort=full)
    enrollment_apply(
        user=learner,
        cohort=by_application,
        motivation="I analyse traffic data and want to model it properly.",
    )


def url_in(language: str, path: str) -> str:
    return path if language == "ko" else f"/{language}{path}"


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("name", PAGES)
def test_page_is_accessible_and_fits_desktop_and_phone(
    name, language, page, sign_in, learner, cohorts
):
    path, signed_in = PAGES[name]
    if signed_in:
        sign_in(learner)

    response = page.goto(url_in(language, path))

    assert response.ok, f"{response.url} answered {response.status}"
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    for width in each_width(page):
        assert_fits(page)
        assert_accessible(page)
        screenshot(page, f"{name}-{language}-{width}")


@pytest.mark.parametrize("language", ["ko", "en"])
def test_sign_up_errors_are_tied_to_their_fields(language, page, catalogue):
    page.goto(url_in(language, "/accounts/signup/"))
    page.locator("#id_email").fill("someone@example.org")
    page.locator("#id_full_name").fill("Someone")
    page.locator("#id_password1").fill("a long passphrase 4 pipeline")
    page.locator("#id_password2").fill("a different passphrase")

    page.locator("form button[type=submit]").click()

    repeat = page.locator("#id_password2")
    expect(repeat).to_have_attribute("aria-invalid", "true")
    error = page.locator("#id_password2_error")
    expect(error).to_be_visible()
    assert "id_password2_error" in repeat.get_attribute("aria-describedby").split()
    assert_accessible(page)
    screenshot(page, f"sign-up-errors-{language}-desktop")
