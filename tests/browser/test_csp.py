"""The Content-Security-Policy in Chromium: the people-facing pages and the admin
load with no violation reported and no header Chromium rejects.

Violations are collected twice: ``securitypolicyviolation`` events (an init
script, which the policy does not govern) and the console's messages.
"""

import pytest
from playwright.sync_api import expect

from courses.enrollment.services import enrollment_create
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(180),
]

LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""
# What Chromium says about a refused policy or a header it cannot read.
COMPLAINTS = (
    "Content Security Policy",
    "Content-Security-Policy",
    "Permissions-Policy",
)


@pytest.fixture
def watched(context):
    """The page, and the CSP complaints it gathers (console and events)."""
    context.add_init_script(LISTEN)
    page = context.new_page()
    messages: list[str] = []
    page.on(
        "console",
        lambda message: (
            messages.append(message.text)
            if any(c in message.text for c in COMPLAINTS)
            else None
        ),
    )

    def complaints() -> list[str]:
        page.wait_for_load_state("load")
        return messages + page.evaluate("() => window.__violations || []")

    return page, complaints


@pytest.fixture
def enrolled(course, cohort_factory, learner):
    enrollment_create(user=learner, cohort=cohort_factory())
    return learner


def visit(page, complaints, path: str) -> None:
    response = page.goto(path)
    assert response.status < 400, f"{path}: {response.status}"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    found = complaints()
    assert not found, f"{path}:\n" + "\n".join(found)


def test_people_facing_pages_load_without_violations(watched, sign_in, enrolled):
    page, complaints = watched
    for path in ("/", "/vocational/", "/vocational/ml-basics/", "/accounts/login/"):
        visit(page, complaints, path)
    visit(page, complaints, "/api/docs")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    sign_in(enrolled)
    for path in ("/learning/", "/vocational/ml-basics/", "/accounts/2fa/"):
        visit(page, complaints, path)


def test_the_totp_qr_code_shows_as_a_data_image(watched, sign_in, enrolled):
    page, complaints = watched
    sign_in(enrolled)

    page.goto("/accounts/2fa/totp/activate/")
    page.locator("input[type=password]").fill(PASSWORD)  # allauth asks again
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/totp/activate/")
    assert not complaints()

    qr = page.locator("img[src^='data:']").first
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.naturalWidth") > 0


def test_the_admin_loads_without_violations(watched, sign_in, admin_user, course):
    page, complaints = watched
    sign_in(admin_user)
    for path in (
        "/admin/",
        "/admin/talent-pipeline/",
        f"/admin/pages/{course.pk}/edit/",  # Draftail, inline panels, date pickers
    ):
        visit(page, complaints, path)
    # Wagtail's own scripts ran: the page editor's tabs work.
    expect(page.locator("[role=tablist]").first).to_be_visible()
