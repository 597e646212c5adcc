"""The Wagtail admin for cohorts, rosters and invitations, per role."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import translation

from courses.enrollment.models import Cohort, Enrollment
from courses.enrollment.services import enrollment_apply, enrollment_create
from tests.factories import InstitutionFactory

Status = Enrollment.Status
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_ui")]

ROSTER = "wagtailsnippets_courses_enrollment:list"


def cohort_form(cohort_or_none, course, institution, **changes):
    data = {
        "course": course.pk,
        "institution": institution.pk,
        "code": "2027-spring",
        "title": "",
        "starts_on": "2027-03-02",
        "ends_on": "2027-06-20",
        "enrollment_opens_at": "2027-01-02 09:00",
        "enrollment_closes_at": "2027-02-20 18:00",
        "seats": "30",
        "mode": "open",
        "location": "",
        "pass_mark": "60",
    }
    if cohort_or_none is not None:
        data.update(
            {
                "starts_on": cohort_or_none.starts_on.isoformat(),
                "ends_on": cohort_or_none.ends_on.isoformat(),
                "seats": str(cohort_or_none.seats),
            }
        )
    data.update(changes)
    return data


@pytest.fixture
def other_institution(db):
    return InstitutionFactory(code="elsewhere")


@pytest.mark.parametrize(
    "url",
    [
        "wagtailadmin_home",
        "cohort:index",
        "cohort:add",
        "invitation:index",
        "invitation:add",
        ROSTER,
    ],
)
def test_admin_pages_load_for_programme_staff(client_for, staff_member, catalogue, url):
    response = client_for(staff_member).get(reverse(url))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url",
    ["institution:index", "talentprogramme:index", "talenttarget:index", "cohort:add"],
)
def test_admin_only_pages_load_for_administrators(client_for, admin_user, url):
    assert client_for(admin_user).get(reverse(url)).status_code == 200


@pytest.mark.parametrize("url", ["institution:add", "talenttarget:index"])
def test_staff_cannot_edit_institutions_or_targets(client_for, staff_member, url):
    assert client_for(staff_member).get(reverse(url)).status_code in (302, 403)


def test_learner_cannot_enter_the_admin(client_for, learner):
    response = client_for(learner).get(reverse("cohort:index"))
    # lms.accounts.admin_door: a page that says so (tests/lms/test_admin_login.py).
    assert response.status_code == 403


def test_staff_create_a_cohort_with_a_stable_lab_course_id(
    client_for, staff_member, course, institution
):
    response = client_for(staff_member).post(
        reverse("cohort:add"), cohort_form(None, course, institution)
    )

    assert response.status_code == 302, response.context["form"].errors
    cohort = Cohort.objects.get()
    assert cohort.lab_course_id == "ml-basics-2027-spring"


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"ends_on": "2027-01-01"}, "ends_on", "cannot end before it starts"),
        (
            {"enrollment_closes_at": "2027-07-01 09:00"},
            "enrollment_closes_at",
            "must close before the cohort ends",
        ),
        (
            {"enrollment_closes_at": "2026-12-01 09:00"},
            "enrollment_closes_at",
            "must close after it opens",
        ),
    ],
)
def test_invalid_cohort_dates_are_refused_on_the_field(
    client_for, staff_member, course, institution, changes, field, text
):
    response = client_for(staff_member).post(
        reverse("cohort:add"), cohort_form(None, course, institution, **changes)
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    # The admin request left Korean active (its URLs have no /en/); errors are lazy.
    with translation.override("en"):
        assert text in " ".join(errors[field])
    assert not Cohort.objects.exists()


def test_seats_cannot_drop_below_people_already_enrolled(
    client_for, staff_member, cohort_factory, course, institution, user_factory
):
    cohort = cohort_factory(seats=3)
    for _ in range(2):
        enrollment_create(user=user_factory(), cohort=cohort)

    response = client_for(staff_member).post(
        reverse("cohort:edit", args=[cohort.pk]),
        cohort_form(
            cohort,
            course,
            institution,
            seats="1",
            enrollment_opens_at=cohort.enrollment_opens_at.strftime("%Y-%m-%d %H:%M"),
            enrollment_closes_at=cohort.enrollment_closes_at.strftime("%Y-%m-%d %H:%M"),
        ),
    )

    assert response.status_code == 200
    with translation.override("en"):  # as above: the errors are lazy
        assert "2 people already hold a seat" in " ".join(
            response.context["form"].errors["seats"]
        )


def test_staff_cannot_create_cohorts_for_another_institution(
    client_for, staff_member, course, other_institution
):
    response = client_for(staff_member).post(
        reverse("cohort:add"), cohort_form(None, course, other_institution)
    )
    assert response.status_code == 200
    assert "institution" in response.context["form"].errors


def test_staff_see_and_change_only_their_institutions_cohorts(
    client_for, staff_member, cohort_factory, other_institution
):
    mine = cohort_factory(title="Ours")
    theirs = cohort_factory(title="Theirs", institution=other_institution)
    client = client_for(staff_member)

    listing = client.get(reverse("cohort:index")).content.decode()
    assert "Ours" in listing and "Theirs" not in listing
    assert client.get(reverse("cohort:edit", args=[mine.pk])).status_code == 200
    for view in ("cohort:edit", "cohort:delete", "cohort:history"):
        assert client.get(reverse(view, args=[theirs.pk])).status_code in (403, 404)


def test_instructor_sees_the_roster_of_cohorts_they_teach_only(
    client_for, instructor, cohort_factory, other_institution, learner, other_learner
):
    taught = cohort_factory(title="Taught", instructors=[instructor])
    other = cohort_factory(title="Other", institution=other_institution)
    enrollment_create(user=learner, cohort=taught)
    enrollment_create(user=other_learner, cohort=other)

    roster = client_for(instructor).get(reverse(ROSTER)).content.decode()

    assert learner.email in roster or learner.full_name in roster
    assert other_learner.full_name not in roster


def test_roster_export_as_csv_has_people_and_status(
    client_for, staff_member, cohort_factory, learner
):
    cohort = cohort_factory()
    enrollment_create(user=learner, cohort=cohort)
    response = client_for(staff_member).get(reverse(ROSTER), {"export": "csv"})

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 2 and len(rows[0]) == 9  # headings, one learner
    name, email, affiliation, cohort_id, status = rows[1][:5]
    assert (name, email, cohort_id) == (
        learner.full_name,
        learner.email,
        cohort.lab_course_id,
    )
    assert status == "enrolled"


def _bulk(client, action, enrollments, message=""):
    url = reverse("wagtail_bulk_action", args=["courses", "enrollment", action])
    query = "&".join(f"id={e.pk}" for e in enrollments)
    return client.post(f"{url}?{query}", {"message": message})


def test_bulk_approval_with_a_message(
    client_for,
    staff_member,
    cohort_factory,
    user_factory,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    cohort = cohort_factory(mode=Cohort.Mode.APPROVAL, seats=5)
    applications = [
        enrollment_apply(
            user=user_factory(), cohort=cohort, motivation="I want to learn AI well."
        ).enrollment
        for _ in range(3)
    ]
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = _bulk(client_for(staff_member), "approve", applications, "See you!")

    assert response.status_code == 302
    assert set(cohort.enrollments.values_list("status", flat=True)) == {Status.ENROLLED}
    assert len(mailoutbox) == 3 and all("See you!" in m.body for m in mailoutbox)


def test_bulk_rejection_of_another_institutions_applicants_is_refused(
    client_for, staff_member, cohort_factory, other_institution, learner
):
    cohort = cohort_factory(mode=Cohort.Mode.APPROVAL, institution=other_institution)
    application = enrollment_apply(
        user=learner, cohort=cohort, motivation="I want to learn AI well."
    ).enrollment

    _bulk(client_for(staff_member), "reject", [application], "No")

    application.refresh_from_db()
    assert application.status == Status.APPLIED


def test_invite_by_email_from_the_admin(
    client_for,
    staff_member,
    cohort_factory,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    cohort = cohort_factory(mode=Cohort.Mode.INVITATION)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff_member).post(
            reverse("invitation:add"),
            {"cohort": cohort.pk, "email": "soldier@example.org", "message": "Join us"},
        )

    assert response.status_code == 302
    assert mailoutbox[-1].to == ["soldier@example.org"]
    assert "Join us" in mailoutbox[-1].body


def test_enrolments_cannot_be_edited_or_deleted_as_raw_records(
    client_for, admin_user, cohort_factory, learner
):
    enrollment = enrollment_create(user=learner, cohort=cohort_factory()).enrollment
    client = client_for(admin_user)
    for view in ("edit", "delete"):
        url = reverse(
            f"wagtailsnippets_courses_enrollment:{view}", args=[enrollment.pk]
        )
        assert client.get(url).status_code in (302, 403)
    inspect = reverse(
        "wagtailsnippets_courses_enrollment:inspect", args=[enrollment.pk]
    )
    assert client.get(inspect).status_code == 200


def test_cohort_window_cannot_close_after_the_cohort_ends_at_model_level(
    cohort_factory,
):
    from django.core.exceptions import ValidationError

    cohort = cohort_factory()
    cohort.enrollment_closes_at = cohort.ends_at + dt.timedelta(hours=1)
    with pytest.raises(ValidationError) as refused:
        cohort.full_clean()
    assert "enrollment_closes_at" in refused.value.message_dict


def test_roster_filter_offers_only_my_cohorts(
    client_for, staff_member, cohort_factory, other_institution
):
    cohort_factory(title="Ours")
    cohort_factory(title="Secret cohort", institution=other_institution)

    page = client_for(staff_member).get(reverse(ROSTER)).content.decode()

    assert "Ours" in page
    assert "Secret cohort" not in page


def test_roster_filters_by_status(
    client_for, staff_member, cohort_factory, user_factory
):
    cohort = cohort_factory(seats=1)
    first, second = user_factory(), user_factory()
    enrollment_create(user=first, cohort=cohort)
    enrollment_create(user=second, cohort=cohort)

    response = client_for(staff_member).get(reverse(ROSTER), {"status": "waitlisted"})

    page = response.content.decode()
    assert second.full_name in page and first.full_name not in page
