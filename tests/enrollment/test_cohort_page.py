"""A cohort's page in the admin: My cohorts, the roster with the slices' columns,
its filters, decisions on ticked people, the CSV; and an instructor saving a
cohort they teach."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from courses.completion.models import Completion
from courses.core.roles import INSTRUCTORS
from courses.enrollment.cohort_page import ALREADY_SENT, NOBODY_TICKED
from courses.enrollment.models import Cohort, Enrollment
from courses.lab.models import LabActivity
from tests.completion.fixtures import make_assignment, make_submission
from tests.factories import InstitutionFactory
from tests.forms import form_data

Status = Enrollment.Status


@pytest.fixture
def world(cohort_factory, user_factory, staff_member, instructor, roles):
    """Institution A (staff_member's): a1 (taught by ``instructor``), a2;
    institution B: b1 with its own staff."""
    other = InstitutionFactory(code="other-inst")
    other_staff = user_factory(username="other-staff")
    other_staff.groups.set(staff_member.groups.all())
    other.staff.add(other_staff)
    a1 = cohort_factory(code="a1", seats=2, mode=Cohort.Mode.APPROVAL)
    a1.instructors.add(instructor)
    a2, b1 = cohort_factory(code="a2"), cohort_factory(code="b1", institution=other)
    people = {}
    for key, cohort, status in (
        ("ana", a1, Status.ENROLLED),
        ("ben", a1, Status.APPLIED),
        ("cho", a1, Status.APPLIED),
        ("dan", a2, Status.ENROLLED),
        ("eve", b1, Status.ENROLLED),
    ):
        user = user_factory(username=key, full_name=f"{key.title()} Person")
        people[key] = Enrollment.objects.create(user=user, cohort=cohort, status=status)
    return {"a1": a1, "a2": a2, "b1": b1, "other_staff": other_staff, **people}


def _roster(client, cohort, **query) -> str:
    response = client.get(reverse("cohort_roster", args=[cohort.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


def _act(client, cohort, action, *enrollments, message="", token="t1"):
    data = {"action": action, "message": message, "token": token}
    data["id"] = [e.pk for e in enrollments]
    return client.post(
        reverse("cohort_roster_act", args=[cohort.pk]), data, follow=True
    )


def _said(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _status(enrollment) -> str:
    enrollment.refresh_from_db()
    return enrollment.status


# Who sees what ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "seen"),
    [("staff_member", {"a1", "a2"}), ("instructor", {"a1"}), ("other_staff", {"b1"})],
)
def test_my_cohorts_lists_exactly_the_cohorts_each_person_manages(
    request, client_for, world, who, seen
):
    person = world.get(who) or request.getfixturevalue(who)
    page = client_for(person).get(reverse("my_cohorts")).content.decode()

    for key in ("a1", "a2", "b1"):
        link = reverse("cohort_roster", args=[world[key].pk])
        assert (link in page) == (key in seen), key


def test_the_administrator_sees_every_cohort(client_for, admin_user, world):
    page = client_for(admin_user).get(reverse("my_cohorts")).content.decode()

    for key in ("a1", "a2", "b1"):
        assert reverse("cohort_roster", args=[world[key].pk]) in page


def test_my_cohorts_is_in_the_admin_menu_for_staff_only(
    client_for, staff_member, user_factory, world
):
    home = client_for(staff_member).get(reverse("wagtailadmin_home"))
    assert reverse("my_cohorts") in home.content.decode()
    nobody = user_factory(username="editor-without-cohorts")
    nobody.groups.add(Group.objects.get(name=INSTRUCTORS))
    home = client_for(nobody).get(reverse("wagtailadmin_home"))
    assert reverse("my_cohorts") not in home.content.decode()


def test_learners_cannot_open_a_roster(client_for, world):
    client = client_for(world["ana"].user)
    for name in ("my_cohorts", "cohort_roster", "cohort_roster_csv"):
        args = [] if name == "my_cohorts" else [world["a1"].pk]
        response = client.get(reverse(name, args=args))
        assert response.status_code in (302, 403), name


def test_the_roster_lists_only_its_cohorts_learners(client_for, instructor, world):
    page = _roster(client_for(instructor), world["a1"])

    assert "Ana Person" in page and "Ben Person" in page
    assert "Dan Person" not in page and "Eve Person" not in page


def test_another_institutions_roster_is_not_found(client_for, staff_member, world):
    client = client_for(staff_member)
    for name in ("cohort_roster", "cohort_roster_csv"):
        assert client.get(reverse(name, args=[world["b1"].pk])).status_code == 404
    # An instructor does not see the other cohort of their own institution.


def test_an_instructor_finds_no_cohort_they_do_not_teach(client_for, instructor, world):
    response = client_for(instructor).get(
        reverse("cohort_roster", args=[world["a2"].pk])
    )
    assert response.status_code == 404


def test_the_cohorts_listing_links_to_each_roster(client_for, staff_member, world):
    page = client_for(staff_member).get(reverse("cohort:index")).content.decode()

    assert reverse("cohort_roster", args=[world["a1"].pk]) in page


# Columns, labels, filters ------------------------------------------------------------


def test_the_roster_shows_lab_use_attempts_grade_and_completion(
    english_admin_client_for, staff_member, world
):
    ana = world["ana"]
    LabActivity.objects.create(
        user=ana.user,
        first_active_at=timezone.now(),
        last_active_at=timezone.make_aware(timezone.datetime(2026, 3, 2, 1, 30)),
    )
    assignment = make_assignment(world["a1"])
    make_submission(assignment, ana.user, score=7, attempt=1)
    make_submission(assignment, ana.user, score=9, attempt=2)
    Completion.objects.create(
        enrollment=ana,
        user=ana.user,
        cohort=ana.cohort,
        passed_at=timezone.now(),
        source=Completion.Source.STAFF,
    )
    page = _roster(english_admin_client_for(staff_member), world["a1"])

    for header in ("Last lab use", "Attempts", "Grade", "Completion"):
        assert f'<th scope="col">{header}</th>' in page
    assert "<td>2</td>" in page and "<td>90%</td>" in page
    assert "Passed on" in page
    assert "March 2, 2026, 1:30 a.m." in page  # the stored moment, in Seoul


def test_the_roster_speaks_korean_and_english(
    client_for, english_admin_client_for, staff_member, world
):
    page = _roster(client_for(staff_member), world["a1"])  # Korean by default
    for korean in ("이름", "상태", "대기 순번", "승인", "<td>등록"):
        assert korean in page, korean
    page = _roster(english_admin_client_for(staff_member), world["a1"])
    for english in ("Name", "Status", "Waitlist position", "Approve", "Enrolled"):
        assert english in page, english


def test_the_roster_filters_by_status_and_searches_names_and_emails(
    client_for, staff_member, world
):
    client = client_for(staff_member)
    applied = _roster(client, world["a1"], status=Status.APPLIED)
    assert "Ben Person" in applied and "Ana Person" not in applied

    by_name = _roster(client, world["a1"], q="cho")
    assert "Cho Person" in by_name and "Ben Person" not in by_name
    by_email = _roster(client, world["a1"], q=world["ben"].user.email)
    assert "Ben Person" in by_email and "Cho Person" not in by_email


def test_the_roster_is_paginated(client_for, staff_member, world, user_factory):
    for n in range(55):
        Enrollment.objects.create(
            user=user_factory(full_name=f"Zz {n:02d}"),
            cohort=world["a2"],
            status=Status.WITHDRAWN,
        )
    client = client_for(staff_member)
    first, second = (_roster(client, world["a2"], p=p) for p in (1, 2))

    assert "Zz 00" in first and "Zz 54" not in first
    assert "Zz 54" in second and "Zz 00" not in second


def test_the_csv_holds_the_filtered_roster(client_for, staff_member, world):
    response = client_for(staff_member).get(
        reverse("cohort_roster_csv", args=[world["a1"].pk]),
        {"status": Status.APPLIED},
    )

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["이름", "이메일", "상태"]
    assert {row[1] for row in rows[1:]} == {
        world["ben"].user.email,
        world["cho"].user.email,
    }


# Decisions ---------------------------------------------------------------------------


def test_approving_two_applicants_gives_a_seat_then_the_waitlist(
    client_for, staff_member, world, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(staff_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = _act(client, world["a1"], "approve", world["ben"], world["cho"])

    assert _status(world["ben"]) == Status.ENROLLED  # the second seat
    assert _status(world["cho"]) == Status.WAITLISTED  # none left
    assert len(mailoutbox) == 2
    assert any("2" in line for line in _said(response))


def test_approving_twice_changes_nothing_twice_and_says_so(
    client_for, staff_member, world
):
    client = client_for(staff_member)
    _act(client, world["a1"], "approve", world["ben"], token="first")
    response = _act(client, world["a1"], "approve", world["ben"], token="first")
    with translation.override("ko"):
        assert str(ALREADY_SENT) in _said(response)

    response = _act(client, world["a1"], "approve", world["ben"], token="second")
    assert _status(world["ben"]) == Status.ENROLLED
    assert world["ben"].events.count() == 1
    assert any(world["ben"].user.full_name in line for line in _said(response))


def test_rejecting_needs_a_reason_and_sends_it(
    client_for, staff_member, world, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(staff_member)
    _act(client, world["a1"], "reject", world["ben"], token="no-reason")
    assert _status(world["ben"]) == Status.APPLIED

    with django_capture_on_commit_callbacks(execute=True):
        _act(client, world["a1"], "reject", world["ben"], message="Full: next run.")
    assert _status(world["ben"]) == Status.REJECTED
    assert "Full: next run." in mailoutbox[0].body


def test_moving_to_the_waitlist_frees_the_seat_for_the_longest_waiting(
    client_for, staff_member, world
):
    client = client_for(staff_member)
    _act(client, world["a1"], "approve", world["ben"], world["cho"], token="a")
    assert _status(world["cho"]) == Status.WAITLISTED

    _act(client, world["a1"], "waitlist", world["ana"], token="b")

    assert _status(world["ana"]) == Status.WAITLISTED
    assert _status(world["cho"]) == Status.ENROLLED
    page = _roster(client, world["a1"], status=Status.WAITLISTED)
    assert "Ana Person" in page and "<td>1</td>" in page  # first in the queue


def test_moving_to_the_waitlist_is_refused_beside_a_free_seat(
    client_for, staff_member, world
):
    response = _act(client_for(staff_member), world["a1"], "waitlist", world["ben"])

    assert _status(world["ben"]) == Status.APPLIED
    assert any("Ben Person" in line for line in _said(response))


def test_removing_withdraws_once(client_for, staff_member, world):
    client = client_for(staff_member)
    _act(client, world["a1"], "withdraw", world["ana"], token="a")
    response = _act(client, world["a1"], "withdraw", world["ana"], token="b")

    assert _status(world["ana"]) == Status.WITHDRAWN
    assert world["ana"].events.count() == 1
    assert any("Ana Person" in line for line in _said(response))


def test_a_message_reaches_each_ticked_person_once(
    client_for, staff_member, world, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(staff_member)
    with django_capture_on_commit_callbacks(execute=True):
        _act(client, world["a1"], "message", world["ana"], world["ben"], message="Hi")
        _act(client, world["a1"], "message", world["ana"], world["ben"], message="Hi")

    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [world["ana"].user.email, world["ben"].user.email]
    )
    assert all("Hi" in m.body for m in mailoutbox)


def test_people_of_other_cohorts_are_ignored(client_for, staff_member, world):
    response = _act(client_for(staff_member), world["a1"], "withdraw", world["dan"])

    assert _status(world["dan"]) == Status.ENROLLED
    with translation.override("ko"):
        assert str(NOBODY_TICKED) in _said(response)
    assert response.redirect_chain[-1][0].startswith(
        reverse("cohort_roster", args=[world["a1"].pk])
    )


# The cohort form -----------------------------------------------------------------


def test_an_instructor_saves_a_cohort_they_teach(client_for, instructor, world):
    client = client_for(instructor)
    edit = reverse("cohort:edit", args=[world["a1"].pk])
    form = client.get(edit).context["form"]
    assert list(form.fields["institution"].queryset) == [world["a1"].institution]
    data = form_data(form)
    data["title"] = "Renamed by its instructor"

    response = client.post(edit, data)

    assert response.status_code == 302
    world["a1"].refresh_from_db()
    assert world["a1"].title == "Renamed by its instructor"
    assert world["a1"].institution.code == "ai-academy"


def test_an_instructor_cannot_move_a_cohort_to_another_institution(
    client_for, instructor, world
):
    client = client_for(instructor)
    edit = reverse("cohort:edit", args=[world["a1"].pk])
    data = form_data(client.get(edit).context["form"])
    data["institution"] = str(world["b1"].institution_id)

    client.post(edit, data)

    world["a1"].refresh_from_db()
    assert world["a1"].institution.code == "ai-academy"


def test_staff_still_choose_among_their_institutions(client_for, staff_member, world):
    form = (
        client_for(staff_member)
        .get(reverse("cohort:edit", args=[world["a1"].pk]))
        .context["form"]
    )

    assert not form.fields["institution"].disabled
    assert list(form.fields["institution"].queryset) == [world["a1"].institution]


def test_signed_out_people_are_sent_to_sign_in(world):
    response = Client().get(reverse("cohort_roster", args=[world["a1"].pk]))
    assert response.status_code == 302
