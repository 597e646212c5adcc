"""A cohort's page in Chromium, in Korean: a staff member opens My cohorts from
the admin menu, opens a cohort, ticks two applicants and approves them; axe-core
finds nothing serious on the roster."""

import pytest
from playwright.sync_api import expect

from courses.enrollment.models import Cohort, Enrollment
from tests.browser.helpers import assert_accessible, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(120),
]

Status = Enrollment.Status


def test_staff_approve_two_applicants_from_the_roster(
    page, sign_in, staff_member, cohort_factory, user_factory
):
    cohort = cohort_factory(code="2027-spring", mode=Cohort.Mode.APPROVAL, seats=5)
    applicants = [
        Enrollment.objects.create(
            user=user_factory(username=f"applicant-{n}", full_name=f"지원자 {n}"),
            cohort=cohort,
            status=Status.APPLIED,
        )
        for n in range(3)
    ]
    sign_in(staff_member)
    page.goto("/admin/")

    page.locator('a[href="/admin/my-cohorts/"]').first.click()
    page.locator(f'a[data-cohort="{cohort.pk}"]').click()
    expect(page.locator("[data-roster-table] tbody tr")).to_have_count(3)
    assert page.locator("html").get_attribute("lang") == "ko"
    assert_accessible(page)

    for enrollment in applicants[:2]:
        page.locator(f"#pick-{enrollment.pk}").check()
    page.locator("select[name=action]").select_option("approve")
    page.locator("form[data-roster] button[type=submit]").click()

    for enrollment in applicants[:2]:
        row = page.locator(f'tr[data-enrollment="{enrollment.pk}"]')
        expect(row).to_contain_text("등록")  # enrolled, in Korean
    expect(page.locator(".messages")).to_contain_text("2")
    # Wagtail's messages fade in: axe would measure a half-faded colour.
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.messages > ul'))"
        ".opacity === '1'"
    )
    screenshot(page, "cohort-roster")
    assert_accessible(page)
    statuses = [e.status for e in Enrollment.objects.order_by("user__full_name")]
    assert statuses == [Status.ENROLLED, Status.ENROLLED, Status.APPLIED]
