"""Completion in the Wagtail admin (courses/admin_completion.py): the rule on the
cohort and assignment forms, the roster, attendance, issuing, confirming early,
revoking and re-evaluating, for each role.

The roster's cohort ended yesterday: the rule decides only after a cohort ends
(or, early, once every assignment is closed for good)."""

import datetime as dt
import decimal
import zoneinfo

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from courses.completion.models import Completion
from courses.completion.services.evaluate import completion_evaluate
from courses.core.roles import INSTRUCTORS
from courses.enrollment.admin_forms import (
    ERROR_MINIMUM_RANGE,
    ERROR_PASS_MARK_RANGE,
    CohortForm,
)
from courses.enrollment.models import ERROR_ENDS_BEFORE_START, Enrollment
from courses.grading.admin import RequiredAssignmentDeleteMixin
from courses.grading.models import ERROR_REQUIRED_DELETE, Assignment
from tests.completion.fixtures import (
    ended,
    enrol,
    make_assignment,
    make_submission,
    passing,
    running,
)
from tests.core.test_admin import cohort_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_ui")]
D = decimal.Decimal
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
Status = Enrollment.Status


@pytest.fixture
def client_for(english_admin_client_for):
    return english_admin_client_for


@pytest.fixture
def cohort(cohort_factory, instructor):
    return cohort_factory(**ended(), instructors=[instructor])


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
        ("post", reverse("enrollment_completion_confirm", args=[enrollment.pk])),
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


# The rule on the cohort form (issue 13) ------------------------------------------


def rule_form(cohort, course, institution, staff_member, **changes) -> CohortForm:
    data = cohort_form(
        cohort,
        course,
        institution,
        code=cohort.code,
        enrollment_opens_at=cohort.enrollment_opens_at.strftime("%Y-%m-%d %H:%M"),
        enrollment_closes_at=cohort.enrollment_closes_at.strftime("%Y-%m-%d %H:%M"),
        **changes,
    )
    return CohortForm(data, instance=cohort, for_user=staff_member)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pass_mark", "120", ERROR_PASS_MARK_RANGE),
        ("pass_mark", "-1", ERROR_PASS_MARK_RANGE),
        ("required_minimum", "101", ERROR_MINIMUM_RANGE),
        ("required_minimum", "-5", ERROR_MINIMUM_RANGE),
    ],
)
def test_a_rule_nobody_could_meet_is_refused_with_a_clear_message(
    cohort, course, institution, staff_member, field, value, message
):
    form = rule_form(cohort, course, institution, staff_member, **{field: value})

    assert not form.is_valid()
    assert form.errors[field] == [str(message)]


def test_a_cohort_ending_before_it_starts_is_refused(
    cohort, course, institution, staff_member
):
    form = rule_form(
        cohort,
        course,
        institution,
        staff_member,
        ends_on=(cohort.starts_on - dt.timedelta(days=1)).isoformat(),
    )

    assert not form.is_valid()
    assert str(ERROR_ENDS_BEFORE_START) in form.errors["ends_on"]


def test_the_cohort_form_keeps_a_required_minimum_and_lab_activity(
    cohort, course, institution, staff_member
):
    form = rule_form(
        cohort,
        course,
        institution,
        staff_member,
        required_minimum="40",
        lab_required="on",
    )

    assert form.is_valid(), form.errors
    saved = form.save()
    assert saved.required_minimum == D(40) and saved.lab_required


def test_the_roster_warns_when_no_assignment_counts(client_for, instructor, cohort):
    page = roster(client_for(instructor), cohort).content.decode()

    assert "No assignment counts" in page


# Confirming early (issue 13) -----------------------------------------------------


@pytest.fixture
def running_cohort(cohort_factory, instructor):
    return cohort_factory(**running(), instructors=[instructor])


@pytest.fixture
def ahead(running_cohort, learner) -> Enrollment:
    """Passes so far in a running cohort; late work is still accepted, so only
    the cohort's end could decide it."""
    return passing(running_cohort, learner, score=9)


def test_an_instructor_confirms_an_early_completion_from_the_roster(
    client_for, instructor, running_cohort, ahead
):
    client = client_for(instructor)
    url = reverse("enrollment_completion_confirm", args=[ahead.pk])
    before = roster(client, running_cohort).content.decode()
    assert "Passes so far; not decided yet" in before and url in before
    assert completion_evaluate(enrollment=ahead) is None

    response = client.post(url, follow=True)

    completion = Completion.objects.get(enrollment=ahead)
    assert completion.source == Completion.Source.CONFIRMED and completion.is_valid
    assert completion.issued_by == instructor and completion.passed_at is not None
    assert completion.certificate.revoked_at is None
    with translation.override("en"):
        day = date_format(timezone.localtime(completion.passed_at, SEOUL))
    page = response.content.decode()
    assert f"Confirmed early by {instructor} on {day}" in page
    assert url not in page  # no second confirmation


def test_confirming_someone_below_the_rule_is_refused_with_a_message(
    client_for, instructor, running_cohort, other_learner
):
    behind = passing(running_cohort, other_learner, score=3)
    client = client_for(instructor)
    assert (
        reverse("enrollment_completion_confirm", args=[behind.pk])
        not in roster(client, running_cohort).content.decode()
    )

    response = client.post(
        reverse("enrollment_completion_confirm", args=[behind.pk]), follow=True
    )

    assert "meets the completion rule so far" in response.content.decode()
    assert not Completion.objects.exists()


def test_nobody_is_confirmed_before_the_cohort_starts(
    client_for, instructor, cohort_factory, learner
):
    upcoming = cohort_factory(instructors=[instructor])
    enrollment = passing(upcoming, learner, score=10)

    response = client_for(instructor).post(
        reverse("enrollment_completion_confirm", args=[enrollment.pk]), follow=True
    )

    assert "has not started yet" in response.content.decode()
    assert not Completion.objects.exists()


def test_a_confirmed_completion_stays_when_the_rule_is_evaluated(
    client_for, instructor, running_cohort, ahead
):
    client_for(instructor).post(
        reverse("enrollment_completion_confirm", args=[ahead.pk])
    )

    completion = completion_evaluate(enrollment=ahead)

    assert completion.is_valid and completion.source == Completion.Source.CONFIRMED


# Deleting a required assignment (issue 13) ---------------------------------------


class _DeleteView:
    """The Wagtail delete view's two hooks the mixin relies on."""

    def __init__(self, request, assignment):
        self.request, self.object = request, assignment

    def run_before_hook(self):
        return None


class GuardedDeleteView(RequiredAssignmentDeleteMixin, _DeleteView):
    pass


def delete_request(rf, user):
    request = rf.post("/")
    request.user, request.session = user, {}
    request._messages = FallbackStorage(request)
    return request


def test_the_delete_view_refuses_a_required_assignment_with_a_message(
    rf, instructor, cohort
):
    exam = make_assignment(cohort, "exam", required=True)
    request = delete_request(rf, instructor)

    response = GuardedDeleteView(request, exam).run_before_hook()

    assert response.status_code == 302
    assert response.url == reverse("assignment:edit", args=[exam.pk])
    assert [str(m) for m in get_messages(request)] == [str(ERROR_REQUIRED_DELETE)]
    assert Assignment.objects.filter(pk=exam.pk).exists()


def test_the_delete_view_deletes_an_optional_assignment_through_the_service(
    rf, instructor, cohort
):
    extra = make_assignment(cohort, "extra")
    view = GuardedDeleteView(delete_request(rf, instructor), extra)

    assert view.run_before_hook() is None
    view.delete_action()

    assert not Assignment.objects.filter(pk=extra.pk).exists()
