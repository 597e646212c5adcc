"""Bulk enrolment from a CSV or XLSX list: reading, preview, confirm, report."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from courses.core.roles import PROGRAMME_STAFF
from courses.enrollment import bulk_enrol_services
from courses.enrollment.bulk_enrol import Outcome, bulk_enrol_plan
from courses.enrollment.bulk_enrol_files import (
    MAX_BYTES,
    BulkFileError,
    PersonRow,
    people_read,
)
from courses.enrollment.bulk_enrol_services import enrollment_bulk_create
from courses.enrollment.models import Enrollment, Invitation
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db
Status = Enrollment.Status


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    for values in rows:
        workbook.active.append(values)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def upload(client, cohort, data: bytes, name: str = "people.csv"):
    return client.post(
        reverse("cohort_bulk_enrol", args=[cohort.pk]),
        {"file": SimpleUploadedFile(name, data)},
    )


def outcomes(plans) -> list[str]:
    return [plan.outcome for plan in plans]


# Reading files --------------------------------------------------------------------


def test_a_korean_excel_csv_in_cp949_with_korean_headers_is_read():
    data = csv_bytes(
        [["소속", "이름", "이메일"], ["제1공병대대", "김철수", "Kim@Example.org "]],
        encoding="cp949",
    )

    rows = people_read(name="명단.csv", data=data)

    assert rows == [PersonRow(number=2, email="Kim@Example.org", name="김철수")]


def test_a_utf8_csv_with_a_byte_order_mark_finds_its_first_column():
    data = csv_bytes([["Email", "Name"], ["a@example.org", "이영희"]], "utf-8-sig")

    rows = people_read(name="list.csv", data=data)

    assert rows == [PersonRow(number=2, email="a@example.org", name="이영희")]


def test_an_xlsx_reads_formula_like_text_as_text_and_never_runs_a_formula():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["E-mail", "성명", "학과"])
    sheet.append(["b@example.org", None, "AI"])
    sheet["B2"].value, sheet["B2"].data_type = '=HYPERLINK("http://x")', "s"
    sheet.append(["c@example.org", "=1+1", None])  # a real formula, never computed
    sheet.append([None, None, None])
    output = io.BytesIO()
    workbook.save(output)

    rows = people_read(name="list.xlsx", data=output.getvalue())

    assert [(r.number, r.email, r.name) for r in rows] == [
        (2, "b@example.org", '=HYPERLINK("http://x")'),
        (3, "c@example.org", ""),
    ]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("list.csv", csv_bytes([["name", "phone"], ["Kim", "010"]]), "No e-mail"),
        ("list.csv", b"", "empty"),
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV"),
        ("list.xlsx", b"PK\x03\x04 not really a zip", "not a CSV"),
        ("big.csv", b"email\n" + b"a@example.org\n" * (MAX_BYTES // 14 + 1), "MB"),
    ],
)
def test_a_file_that_is_no_list_is_refused_with_a_reason(
    name, data, message, english_ui
):
    with pytest.raises(BulkFileError) as refused:
        people_read(name=name, data=data)

    assert message in refused.value.message


# Planning -------------------------------------------------------------------------


def test_each_row_is_planned_by_what_is_already_known(
    cohort_factory, user_factory, learner, other_learner
):
    cohort = cohort_factory(seats=10)
    rejected = user_factory()
    Enrollment.objects.create(user=learner, cohort=cohort, status=Status.ENROLLED)
    Enrollment.objects.create(user=rejected, cohort=cohort, status=Status.REJECTED)
    Invitation.objects.create(cohort=cohort, email="asked@example.org", token="t1")
    rows = [
        PersonRow(2, learner.email.upper(), ""),
        PersonRow(3, other_learner.email, ""),
        PersonRow(4, "new@example.org", ""),
        PersonRow(5, "NEW@example.org", ""),
        PersonRow(6, "asked@example.org", ""),
        PersonRow(7, "not-an-address", ""),
        PersonRow(8, "", "이름만"),
        PersonRow(9, rejected.email, ""),
    ]

    plans = bulk_enrol_plan(cohort=cohort, rows=rows)

    assert outcomes(plans) == [
        Outcome.DUPLICATE,
        Outcome.ENROL,
        Outcome.INVITE,
        Outcome.DUPLICATE,
        Outcome.DUPLICATE,
        Outcome.ERROR,
        Outcome.ERROR,
        Outcome.ERROR,
    ]
    assert "4" in plans[3].note  # the row it repeats


def test_people_beyond_the_free_seats_go_on_the_waitlist(
    cohort_factory, user_factory, learner, english_ui
):
    cohort = cohort_factory(seats=2)
    Enrollment.objects.create(user=learner, cohort=cohort, status=Status.ENROLLED)
    people = [user_factory() for _ in range(3)]
    rows = [PersonRow(i + 2, p.email, "") for i, p in enumerate(people)]

    plans = enrollment_bulk_create(cohort=cohort, rows=rows, actor=None)

    assert outcomes(plans) == [Outcome.ENROL, Outcome.WAITLIST, Outcome.WAITLIST]
    statuses = dict(cohort.enrollments.values_list("user_id", "status"))
    assert [statuses[p.pk] for p in people] == [
        Status.ENROLLED,
        Status.WAITLISTED,
        Status.WAITLISTED,
    ]
    assert "waitlist" in plans[1].note


def test_ten_thousand_rows_are_planned_in_a_few_queries(
    cohort_factory, user_factory, django_assert_max_num_queries
):
    cohort = cohort_factory(seats=50)
    known = [user_factory() for _ in range(20)]
    lines = [["email", "name"]] + [[u.email, "x"] for u in known]
    lines += [[f"person{i}@unit.example.org", f"병사 {i}"] for i in range(9_980)]
    rows = people_read(name="unit.csv", data=csv_bytes(lines, "cp949"))

    with django_assert_max_num_queries(14):
        plans = bulk_enrol_plan(cohort=cohort, rows=rows)

    assert len(plans) == 10_000
    assert outcomes(plans).count(Outcome.ENROL) == 20
    assert outcomes(plans).count(Outcome.INVITE) == 9_980


# Applying -------------------------------------------------------------------------


def test_the_same_list_applied_twice_enrols_and_invites_nobody_twice(
    cohort_factory,
    staff_member,
    learner,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    cohort = cohort_factory()
    rows = [PersonRow(2, learner.email, ""), PersonRow(3, "new@example.org", "")]

    with django_capture_on_commit_callbacks(execute=True):
        first = enrollment_bulk_create(cohort=cohort, rows=rows, actor=staff_member)
    sent = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        second = enrollment_bulk_create(cohort=cohort, rows=rows, actor=staff_member)

    assert outcomes(first) == [Outcome.ENROL, Outcome.INVITE]
    assert outcomes(second) == [Outcome.DUPLICATE, Outcome.DUPLICATE]
    assert cohort.enrollments.count() == 1 and cohort.invitations.count() == 1
    assert len(mailoutbox) == sent == 2  # the enrolment notice and the invitation
    event = cohort.enrollments.get().events.get()
    assert event.actor == staff_member and event.to_status == Status.ENROLLED


def test_a_failure_while_applying_leaves_nothing_half_done(
    cohort_factory, learner, monkeypatch
):
    cohort = cohort_factory()
    rows = [PersonRow(2, learner.email, ""), PersonRow(3, "new@example.org", "")]

    def broken(*args):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(bulk_enrol_services, "_invite", broken)
    with pytest.raises(RuntimeError):
        enrollment_bulk_create(cohort=cohort, rows=rows, actor=None)

    assert not cohort.enrollments.exists()


# The admin pages ------------------------------------------------------------------


def test_upload_preview_confirm_and_report_in_the_admin(
    cohort_factory, staff_member, learner, english_admin_client_for
):
    cohort = cohort_factory()
    client = english_admin_client_for(staff_member)
    data = csv_bytes(
        [["email", "name"], [learner.email, "Learner"], ["bad address", "X"]],
        "utf-8-sig",
    )

    preview = client.get(upload(client, cohort, data)["Location"])

    assert preview.status_code == 200
    assert "Not a valid e-mail address." in preview.text
    assert not cohort.enrollments.exists()  # nothing until confirmed
    report = client.post(preview.request["PATH_INFO"], follow=True)
    assert cohort.enrollments.get().user == learner
    assert report.status_code == 200
    assert "Download the report (CSV)" in report.text


def test_a_confirmation_sent_twice_applies_the_list_once(
    cohort_factory,
    staff_member,
    mailoutbox,
    english_admin_client_for,
    django_capture_on_commit_callbacks,
):
    cohort = cohort_factory()
    client = english_admin_client_for(staff_member)
    data = csv_bytes([["email"], ["new@example.org"], ["other@example.org"]])
    preview_url = upload(client, cohort, data)["Location"]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(preview_url)
        again = client.post(preview_url, follow=True)

    assert cohort.invitations.count() == 2
    assert len(mailoutbox) == 2
    assert "already applied; nothing was done again" in again.text
    assert again.redirect_chain[-1][0].endswith("/report/")


def test_a_problem_with_the_file_is_shown_on_the_upload_form(
    cohort_factory, staff_member, english_admin_client_for
):
    cohort = cohort_factory()
    client = english_admin_client_for(staff_member)

    response = upload(client, cohort, b"%PDF-1.7\n\x00\x01", name="list.pdf")

    assert response.status_code == 200
    assert "This is not a CSV or Excel (XLSX) file." in response.text


def test_the_report_csv_makes_formula_cells_inert(
    cohort_factory, staff_member, client_for
):
    cohort = cohort_factory()
    client = client_for(staff_member)
    data = csv_bytes([["이메일", "이름"], ["=cmd|' /C calc'!A0", "+plus"]])
    preview_url = upload(client, cohort, data)["Location"]
    client.post(preview_url)

    report = client.get(preview_url + "report.csv")

    text = report.content.decode("utf-8-sig")
    assert "'=cmd" in text and "'+plus" in text


def test_staff_of_another_institution_find_none_of_the_pages(
    cohort_factory, staff_member, user_factory, client_for
):
    cohort = cohort_factory()
    preview_url = upload(client_for(staff_member), cohort, csv_bytes([["email"]]))[
        "Location"
    ]
    stranger = user_factory()
    stranger.groups.add(Group.objects.get(name=PROGRAMME_STAFF))
    InstitutionFactory(code="other-unit").staff.add(stranger)
    client = client_for(stranger)

    assert upload(client, cohort, csv_bytes([["email"]])).status_code == 404
    for url in (
        reverse("cohort_bulk_enrol", args=[cohort.pk]),
        preview_url,
        preview_url + "report/",
        preview_url + "report.csv",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(preview_url).status_code == 404


def test_the_cohort_page_offers_enrolment_from_a_file(
    cohort_factory, staff_member, english_admin_client_for
):
    cohort = cohort_factory()

    page = english_admin_client_for(staff_member).get(
        reverse("cohort:edit", args=[cohort.pk])
    )

    assert reverse("cohort_bulk_enrol", args=[cohort.pk]) in page.text
    assert "Enrol from a file" in page.text


def test_the_preview_of_ten_thousand_rows_reads_them_in_bulk(
    cohort_factory, staff_member, client_for, django_assert_max_num_queries
):
    cohort = cohort_factory()
    client = client_for(staff_member)
    lines = [["이메일", "이름"]] + [
        [f"p{i}@unit.example.org", "병사"] for i in range(10_000)
    ]
    preview_url = upload(client, cohort, csv_bytes(lines, "cp949"))["Location"]

    # The admin page itself takes about 27 (session, person, menus): not per row.
    with django_assert_max_num_queries(35):
        preview = client.get(preview_url)

    assert preview.status_code == 200
    assert "p499@unit.example.org" in preview.text  # the first page of 500 rows
    assert "p500@unit.example.org" not in preview.text
    assert preview.text.count("10000") >= 1  # the invitations to send
