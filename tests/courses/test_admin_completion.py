"""Completion in the Wagtail admin (courses/admin_completion.py): the rule on the
cohort and assignment forms, the roster, attendance, issuing, revoking and
re-evaluating, for each role."""

import decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from courses.models import Completion, Enrollment
from courses.services.completion import completion_evaluate
from courses.services.roles import INSTRUCTORS
from tests.completion import enrol, make_assignment, make_submission, passing
from tests.courses.test_admin import cohort_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_ui")]
D = decimal.Decimal
Status = Enrollment.Status


@pytest.fixture
def client_for(english_admin_client_for):
    return english_admin_client_for


@pytest.fixture
def cohort(cohort_factory, instructor):
    return cohort_factory(instructors=[instructor])


@pytest.fixture
def passed(cohort, learner) -> Completion:
    return completion_evaluate(enrollment=passing(cohort, learner, score=9))


@pytest.fixture
def failing(cohort, other_learner) -> Enrollment:
    return passing(cohort, other_learner, score=3)


@pytest.fixture
def outsider(user_factory, roles, cohort_factory):
    """An instructor who teaches another cohort of the same institution."""
    person = user_factory(username="elsewhere")
    person.groups.add(Group.objects.get(name=INSTRUCTORS))
    cohort_factory(instructors=[person])
    return person


def roster(client, cohort):
    return client.get(reverse("cohort_completion", args=[cohort.pk]))


def test_the_roster_shows_who_passed_and_what_others_lack(
    client_for, instructor, cohort, passed, failing
):
    response = roster(client_for(instructor), cohort)

    assert response.status_code == 200
    page = response.content.decode()
    assert "1 of 2" in page and "Passed on" in page
    assert "Below the pass mark" in page and "30%" in page and "90%" in page
    assert sorted(r.standing.passes for r in response.context["rows"]) == [
        False,
        True,
    ]


def test_the_cohort_page_links_the_completion_roster(client_for, instructor, cohort):
    client = client_for(instructor)

    edit = client.get(reverse("cohort:edit", args=[cohort.pk])).content.decode()
    index = client.get(reverse("cohort:index")).content.decode()

    url = reverse("cohort_completion", args=[cohort.pk])
    assert url in edit and url in index


def test_staff_set_the_rule_on_the_cohort_form_and_it_applies_at_once(
    client_for,
    staff_member,
    cohort,
    course,
    institution,
    passed,
    django_capture_on_commit_callbacks,
):
    data = cohort_form(
        cohort,
        course,
        institution,
        code=cohort.code,
        pass_mark="95",
        attendance_required="on",
        enrollment_opens_at=cohort.enrollment_opens_at.strftime("%Y-%m-%d %H:%M"),
        enrollment_closes_at=cohort.enrollment_closes_at.strftime("%Y-%m-%d %H:%M"),
    )

    client = client_for(staff_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cohort:edit", args=[cohort.pk]), data)

    assert response.status_code == 302, response.context["form"].errors
    cohort.refresh_from_db()
    assert cohort.pass_mark == D(95) and cohort.attendance_required
    passed.refresh_from_db()
    assert passed.revoked_at is not None  # 90 % is below the new pass mark


def test_the_assignment_form_marks_an_assignment_required(
    client_for, instructor, cohort
):
    page = client_for(instructor).get(reverse("assignment:add")).content.decode()

    assert 'name="required"' in page


def test_attendance_is_marked_from_the_roster(
    client_for, instructor, cohort, learner, other_learner
):
    cohort.attendance_required = True
    cohort.save()
    present = passing(cohort, learner, score=9)
    absent = passing(cohort, other_learner, score=9)

    response = client_for(instructor).post(
        reverse("cohort_attendance", args=[cohort.pk]), {"attended": [present.pk]}
    )

    assert response.status_code == 302
    present.refresh_from_db()
    absent.refresh_from_db()
    assert present.attended and not absent.attended
    assert present.status == Status.COMPLETED and absent.status == Status.ENROLLED


def test_staff_issue_a_completion_with_a_reason(
    client_for, staff_member, cohort, failing
):
    client = client_for(staff_member)
    url = reverse("enrollment_completion_issue", args=[failing.pk])

    refused = client.post(url, {"reason": ""}, follow=True)
    assert "Give a reason." in refused.content.decode()
    assert not Completion.objects.exists()

    client.post(url, {"reason": "Passed the make-up exam"})

    completion = Completion.objects.get(enrollment=failing)
    assert completion.source == Completion.Source.STAFF
    assert completion.reason == "Passed the make-up exam"
    assert completion.issued_by == staff_member


def test_staff_revoke_a_completion_with_a_reason(
    client_for, instructor, cohort, passed
):
    response = client_for(instructor).post(
        reverse("completion_revoke", args=[passed.pk]),
        {"reason": "Plagiarism"},
        follow=True,
    )

    passed.refresh_from_db()
    assert passed.revoked_at is not None and passed.revoked_by == instructor
    page = response.content.decode()
    assert "Revoked on" in page and "Plagiarism" in page


def test_re_evaluating_applies_a_rule_changed_behind_the_scenes(
    client_for, instructor, cohort, passed
):
    type(cohort).objects.filter(pk=cohort.pk).update(pass_mark=D(95))

    response = client_for(instructor).post(
        reverse("cohort_completion_evaluate", args=[cohort.pk]), follow=True
    )

    passed.refresh_from_db()
    assert passed.revoked_at is not None
    assert "0 newly passed, 1 revoked" in response.content.decode()


def test_a_missing_required_assignment_shows_on_the_roster(
    client_for, instructor, cohort, learner
):
    enrol(cohort, learner)
    make_submission(make_assignment(cohort, "ps1"), learner, score=10)
    make_assignment(cohort, "exam", required=True)

    page = roster(client_for(instructor), cohort).content.decode()

    assert "No graded attempt at EXAM" in page


def every_view(cohort, enrollment, completion) -> list[tuple[str, str]]:
    return [
        ("get", reverse("cohort_completion", args=[cohort.pk])),
        ("post", reverse("cohort_completion_evaluate", args=[cohort.pk])),
        ("post", reverse("cohort_attendance", args=[cohort.pk])),
        ("post", reverse("enrollment_completion_issue", args=[enrollment.pk])),
        ("post", reverse("completion_revoke", args=[completion.pk])),
    ]


@pytest.fixture
def views(cohort, passed, failing):
    return every_view(cohort, failing, passed)


def post_or_get(client, method, url):
    if method == "post":
        return client.post(url, {"reason": "because", "attended": []})
    return client.get(url)


def test_instructors_of_other_cohorts_find_nothing_and_change_nothing(
    client_for, outsider, views, passed, failing
):
    client = client_for(outsider)

    for method, url in views:
        assert post_or_get(client, method, url).status_code == 404, url

    passed.refresh_from_db()
    assert passed.is_valid and not Completion.objects.filter(enrollment=failing)


def test_staff_of_another_institution_find_nothing(
    client_for, staff_member, views, institution, passed
):
    institution.staff.remove(staff_member)
    client = client_for(staff_member)

    for method, url in views:
        assert post_or_get(client, method, url).status_code == 404, url
    passed.refresh_from_db()
    assert passed.is_valid


def test_learners_are_kept_out_of_the_admin(client_for, learner, views, passed):
    client = client_for(learner)

    for method, url in views:
        response = post_or_get(client, method, url)
        assert response.status_code == 403, url  # lms.accounts.admin_door
    passed.refresh_from_db()
    assert passed.is_valid


@pytest.mark.parametrize("who", ["instructor", "staff_member", "admin_user"])
def test_the_cohorts_instructor_staff_and_administrators_open_the_roster(
    client_for, views, who, request
):
    client = client_for(request.getfixturevalue(who))

    for method, url in views:
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_actions_are_post_only(client_for, instructor, views):
    client = client_for(instructor)

    for method, url in views:
        if method == "post":
            assert client.get(url).status_code == 405, url
