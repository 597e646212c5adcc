"""The audit trail (courses/audit.py, courses/admin_audit.py): who changed
what, when, before → after and from where; who may read it; its CSV."""

import csv
import datetime as dt
import decimal
import html
import io
import json
import re
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.tasks import task
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.completion.models import Completion
from courses.core.audit import audit_source
from courses.enrollment.models import Cohort, Enrollment
from courses.enrollment.services import (
    enrollment_apply,
    enrollment_create,
    enrollment_withdraw,
)
from courses.grading.models import Submission, SubmissionScore
from tests.completion.fixtures import (
    ended,
    enrol,
    make_assignment,
    make_submission,
    passing,
)
from tests.factories import InstitutionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_ui")]
D = decimal.Decimal
Status = Enrollment.Status
TRAIL = "audit_trail"


@pytest.fixture
def client_for(english_admin_client_for):
    return english_admin_client_for


@pytest.fixture
def other_institution(db):
    return InstitutionFactory(code="elsewhere")


def entries_of(obj) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk"))


def source_of(entry: LogEntry) -> str:
    return entry.additional_data["source"]


def trail_rows(page: str) -> list[list[str]]:
    """The table of the audit trail page as text cells."""
    table = re.search(r'data-table="audit">(.*?)</table>', page, re.S).group(1)
    return [
        [
            html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)
    ]


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# What an entry records -------------------------------------------------------


def test_approving_an_application_records_who_before_after_and_the_page(
    client_for, staff_member, cohort_factory, learner
):
    cohort = cohort_factory(mode=Cohort.Mode.APPROVAL)
    application = enrollment_apply(
        user=learner, cohort=cohort, motivation="I want to learn AI well."
    ).enrollment
    url = reverse("wagtail_bulk_action", args=["courses", "enrollment", "approve"])

    client_for(staff_member).post(f"{url}?id={application.pk}", {"message": ""})

    applied, approved = entries_of(application)
    assert applied.action == LogEntry.Action.CREATE
    assert approved.action == LogEntry.Action.UPDATE
    assert approved.actor == staff_member
    assert approved.changes_dict["status"] == [Status.APPLIED, Status.ENROLLED]
    assert source_of(approved).startswith(f"POST {url}")
    assert approved.remote_addr == "127.0.0.1"


def test_grading_by_hand_records_the_question_and_the_total(
    client_for, instructor, cohort_factory, learner
):
    cohort = cohort_factory(instructors=[instructor])
    enrol(cohort, learner)
    submission = make_submission(
        make_assignment(cohort), learner, score=4, status=Submission.Status.MANUAL
    )
    question = SubmissionScore.objects.get(submission=submission)
    url = reverse("submission_grade_by_hand", args=[submission.pk])

    client_for(instructor).post(url, {f"score_{question.pk}": "7"})

    graded = entries_of(question)[-1]
    assert graded.actor == instructor
    assert graded.changes_dict["manual_score"] == ["None", "7"]
    assert source_of(graded) == f"POST {url} (submission_grade_by_hand)"
    total = entries_of(submission)[-1]
    assert total.changes_dict["score"] == ["4.00", "7.00"]
    assert total.actor == instructor and source_of(total) == source_of(graded)


def test_a_management_command_is_the_source_of_what_it_changes(cohort_factory, learner):
    enrollment = passing(cohort_factory(**ended()), learner, score=9)

    call_command("completion_sweep", stdout=io.StringIO())

    created = entries_of(Completion.objects.get(enrollment=enrollment))[0]
    assert created.action == LogEntry.Action.CREATE
    assert created.actor is None
    assert source_of(created) == "manage.py completion_sweep"
    completed = entries_of(enrollment)[-1]
    assert completed.changes_dict["status"] == [Status.ENROLLED, Status.COMPLETED]
    assert source_of(completed) == "manage.py completion_sweep"


def test_commands_keep_their_own_options_named_command(cohort_factory, learner):
    enrollment = enrol(cohort_factory(), learner)
    code = (
        "from courses.models import Enrollment; "
        f"Enrollment.objects.get(pk={enrollment.pk}).delete()"
    )

    call_command("shell", command=code, stdout=io.StringIO())

    assert source_of(entries_of(enrollment)[-1]) == "manage.py shell"


@task()
def withdraw_later(enrollment_id: int) -> None:
    enrollment = Enrollment.objects.get(pk=enrollment_id)
    enrollment_withdraw(enrollment=enrollment, actor=None)


def test_a_task_is_the_source_of_what_it_changes(cohort_factory, learner):
    enrollment = enrollment_create(user=learner, cohort=cohort_factory()).enrollment

    withdraw_later.enqueue(enrollment.pk)

    withdrawn = entries_of(enrollment)[-1]
    assert withdrawn.changes_dict["status"] == [Status.ENROLLED, Status.WITHDRAWN]
    assert source_of(withdrawn) == f"task {withdraw_later.module_path}"


def test_an_api_call_signed_in_by_token_records_its_person(rf, cohort_factory, learner):
    request = rf.post("/api/exchange/submit")
    request.user, request.auth = AnonymousUser(), learner  # as django-ninja leaves it

    with audit_source(request):
        enrollment = enrol(cohort_factory(), learner)

    created = entries_of(enrollment)[0]
    assert created.actor == learner
    assert source_of(created) == "POST /api/exchange/submit"


def test_roles_record_who_was_added_and_no_password(instructor, cohort_factory):
    cohort = cohort_factory(instructors=[instructor])
    instructor.set_password("a new secret")
    instructor.save()

    added = entries_of(cohort)[-1]
    assert added.changes_dict["instructors"]["operation"] == "add"
    assert added.changes_dict["instructors"]["objects"] == [str(instructor)]
    groups = [e.changes_dict for e in entries_of(instructor)]
    assert {"groups"} in [set(changes) for changes in groups]
    assert not any("password" in changes for changes in groups)


# Who may read it ---------------------------------------------------------------


@pytest.fixture
def two_institutions(
    client_for, cohort_factory, other_institution, learner, other_learner
):
    """One enrolment in a cohort of each institution, made on the course page."""
    ours = cohort_factory(code="ours")
    theirs = cohort_factory(code="theirs", institution=other_institution)
    client_for(learner).post(reverse("courses:enroll", args=[ours.pk]))
    client_for(other_learner).post(reverse("courses:enroll", args=[theirs.pk]))
    return ours, theirs


def test_staff_see_their_institutions_entries_and_not_anothers(
    client_for,
    staff_member,
    admin_user,
    two_institutions,
    learner,
    other_learner,
    other_institution,
    user_factory,
):
    their_staff = user_factory(full_name="Their Staffer")
    other_institution.staff.add(their_staff)

    staff_html = client_for(staff_member).get(reverse(TRAIL)).content.decode()
    admin_html = client_for(admin_user).get(reverse(TRAIL)).content.decode()

    assert str(learner) in staff_html and str(other_learner) not in staff_html
    assert f"programme staff: + {staff_member}" in staff_html  # their own staff list
    assert "Their Staffer" not in staff_html
    assert str(learner) in admin_html and str(other_learner) in admin_html
    assert "programme staff: + Their Staffer" in admin_html


def test_a_deleted_objects_entries_stay_with_its_institution(
    client_for, staff_member, cohort_factory, learner
):
    enrollment = enrol(cohort_factory(), learner)
    enrollment.delete()

    page = client_for(staff_member).get(reverse(TRAIL)).content.decode()

    deleted = [row for row in trail_rows(page) if row[3] == "Deleted"]
    assert len(deleted) == 1 and str(learner) in deleted[0][2]


def test_the_csv_holds_the_rows_of_the_page(
    client_for, staff_member, two_institutions, learner
):
    client = client_for(staff_member)
    query = {"person": learner.email}

    html_page = client.get(reverse(TRAIL), query).content.decode()
    page = trail_rows(html_page)
    instants = re.findall(r'<time datetime="([^"]+)"', html_page)
    response = client.get(reverse("audit_trail_csv"), query)

    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert rows[0][:6] == [
        "Time (Seoul)",
        "Person",
        "Kind of record",
        "Object",
        "Action",
        "Changes (before → after)",
    ]
    assert len(rows) - 1 == len(page) >= 1
    seoul = ZoneInfo("Asia/Seoul")
    for csv_row, page_row, at in zip(rows[1:], page, instants, strict=True):
        # The page shows the reader's zone and format, the CSV Seoul's digits.
        when = dt.datetime.fromisoformat(at).astimezone(seoul)
        assert csv_row[0] == when.strftime("%Y-%m-%d %H:%M:%S")
        assert csv_row[1] == page_row[1] and csv_row[4] == page_row[3]


def test_filters_narrow_by_kind_of_record_and_object(
    client_for, admin_user, two_institutions
):
    ours, _theirs = two_institutions
    enrollments = reverse(TRAIL) + "?model={}&object={}"
    kind = LogEntry.objects.get_for_object(ours.enrollments.get()).first()

    response = client_for(admin_user).get(
        enrollments.format(kind.content_type_id, ours.enrollments.get().pk)
    )

    rows = trail_rows(response.content.decode())
    assert len(rows) == 1 and rows[0][3] == "Created"


def test_a_name_that_looks_like_a_formula_stays_text_in_the_csv(
    client_for, admin_user, cohort_factory, user_factory
):
    person = user_factory(full_name='=HYPERLINK("http://x")')
    client_for(person).post(reverse("courses:enroll", args=[cohort_factory().pk]))

    response = client_for(admin_user).get(
        reverse("audit_trail_csv"), {"person": person.email}
    )

    (row,) = csv_rows(response)[1:]
    assert row[1].startswith("'=HYPERLINK") and row[3].startswith("'=HYPERLINK")


def test_days_are_seoul_days_and_people_are_found_by_email(
    client_for, admin_user, two_institutions, learner
):
    client = client_for(admin_user)
    today = timezone.localdate(timezone=ZoneInfo("Asia/Seoul"))
    yesterday = today - dt.timedelta(days=1)

    def rows(**query):
        return trail_rows(client.get(reverse(TRAIL), query).content.decode())

    assert rows(since=today.isoformat(), person=learner.email)
    assert rows(until=yesterday.isoformat()) == [["No change matches this filter."]]
    assert {row[1] for row in rows(person=learner.email)} == {
        f"{learner.get_full_name()} <{learner.email}>"
    }


@pytest.mark.parametrize("url", [TRAIL, "audit_trail_csv"])
def test_a_learner_gets_no_audit_trail(client_for, learner, url):
    response = client_for(learner).get(reverse(url))

    assert response.status_code in (302, 403)
    assert b"Time (Seoul)" not in response.content


@pytest.mark.parametrize("url", [TRAIL, "audit_trail_csv"])
def test_an_instructor_without_cohorts_is_refused(client_for, instructor, url):
    response = client_for(instructor).get(reverse(url))

    assert response.status_code in (302, 403)
    assert response.get("Location") != reverse(url)
    assert b"Time (Seoul)" not in response.content


def test_the_menu_offers_the_trail_to_staff_in_korean(staff_member):
    client = Client()  # the admin speaks Korean, each person's default
    client.force_login(staff_member)

    home = client.get(reverse("wagtailadmin_home")).content.decode()
    trail = client.get(reverse(TRAIL)).content.decode()

    assert json.dumps("감사 기록") in home and reverse(TRAIL) in home  # the sidebar
    assert "시각 (서울)" in trail and "변경 내용 (이전 → 이후)" in trail
