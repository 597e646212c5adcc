"""Bulk enrolment in Chromium, in the Korean admin: a unit's list in CP949 is
uploaded, checked row by row, applied once, and reported."""

import csv
import io

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from courses.enrollment.models import Enrollment
from tests.browser.helpers import assert_accessible

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(120),
]


def unit_list(*rows: list[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["소속", "이름", "이메일"], *rows])
    return buffer.getvalue().encode("cp949")


def test_staff_upload_a_korean_list_check_it_and_apply_it_once(
    page, sign_in, cohort_factory, staff_member, learner
):
    cohort = cohort_factory(seats=1)
    sign_in(staff_member)
    page.goto(reverse("cohort:edit", args=[cohort.pk]))
    upload_url = reverse("cohort_bulk_enrol", args=[cohort.pk])
    page.locator("button.w-dropdown__toggle.w-h-slim-header").click()  # 작업
    page.locator(f'a[href="{upload_url}"]').click()

    page.locator("input[type=file]").set_input_files(
        {
            "name": "제1대대.csv",
            "mimeType": "text/csv",
            "buffer": unit_list(
                ["1중대", "김학습", learner.email],
                ["1중대", "박초대", "park@unit.example.org"],
                ["2중대", "오타", "not an address"],
            ),
        }
    )
    page.locator("#main form button[type=submit]").click()

    rows = page.locator("table.listing tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("tr.bulk-enrol")).to_contain_text(learner.email)
    expect(page.locator("tr.bulk-invite")).to_contain_text("박초대")
    expect(page.locator("tr.bulk-error")).to_contain_text("not an address")
    assert not Enrollment.objects.filter(cohort=cohort).exists()
    assert_accessible(page)

    preview_url = page.url
    page.locator("#main form button[type=submit]").click()
    expect(page).to_have_url(f"{preview_url}report/")
    expect(page.locator("tr.bulk-enrol")).to_have_count(1)
    assert Enrollment.objects.get(cohort=cohort).user == learner
    assert cohort.invitations.get().email == "park@unit.example.org"

    page.go_back()  # the preview again: it now shows the report, not a second go
    expect(page.locator("a[download]")).to_have_count(1)
    assert cohort.invitations.count() == 1
