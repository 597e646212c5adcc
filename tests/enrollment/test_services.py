import datetime as dt

import pytest
from django.db import IntegrityError
from django.utils import timezone

from courses.core.errors import ServiceError
from courses.enrollment import services as enrollment_service
from courses.enrollment.cohorts import cohort_save
from courses.enrollment.models import Cohort, Enrollment
from courses.enrollment.selectors import my_learning
from courses.enrollment.services import (
    enrollment_apply,
    enrollment_approve,
    enrollment_create,
    enrollment_reject,
    enrollment_withdraw,
)

Status = Enrollment.Status
pytestmark = pytest.mark.django_db


def statuses(cohort):
    return sorted(cohort.enrollments.values_list("status", flat=True))


def test_enrollment_create_takes_a_seat_and_records_who_and_when(
    cohort_factory, learner
):
    cohort = cohort_factory(seats=2)

    outcome = enrollment_create(user=learner, cohort=cohort)

    assert outcome.changed
    assert outcome.enrollment.status == Status.ENROLLED
    event = outcome.enrollment.events.get()
    assert (event.from_status, event.to_status, event.actor) == (
        "",
        Status.ENROLLED,
        learner,
    )
    assert event.created_at is not None


def test_enrollment_create_waitlists_when_cohort_is_full(cohort_factory, user_factory):
    cohort = cohort_factory(seats=1)
    first, second, third = user_factory(), user_factory(), user_factory()

    enrollment_create(user=first, cohort=cohort)
    waiting = enrollment_create(user=second, cohort=cohort).enrollment
    enrollment_create(user=third, cohort=cohort)

    assert waiting.status == Status.WAITLISTED
    positions = {
        e.user: e.waitlist_position
        for e in my_learning(user=second) + my_learning(user=third)
    }
    assert positions == {second: 1, third: 2}


def test_enrollment_create_twice_changes_nothing_and_says_so(cohort_factory, learner):
    cohort = cohort_factory()
    enrollment_create(user=learner, cohort=cohort)

    again = enrollment_create(user=learner, cohort=cohort)

    assert not again.changed
    assert cohort.enrollments.count() == 1
    assert again.enrollment.events.count() == 1


def test_database_refuses_a_second_enrollment_row_for_the_same_person(
    cohort_factory, learner
):
    cohort = cohort_factory()
    Enrollment.objects.create(user=learner, cohort=cohort, status=Status.ENROLLED)
    with pytest.raises(IntegrityError):
        Enrollment.objects.create(user=learner, cohort=cohort, status=Status.APPLIED)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"is_cancelled": True}, enrollment_service.ERROR_CANCELLED),
        (
            {
                "enrollment_opens_at": timezone.now() + dt.timedelta(days=1),
                "enrollment_closes_at": timezone.now() + dt.timedelta(days=3),
            },
            enrollment_service.ERROR_NOT_OPEN,
        ),
        (
            {
                "enrollment_opens_at": timezone.now() - dt.timedelta(days=5),
                "enrollment_closes_at": timezone.now() - dt.timedelta(days=1),
            },
            enrollment_service.ERROR_CLOSED,
        ),
        ({"mode": Cohort.Mode.APPROVAL}, enrollment_service.ERROR_NEEDS_APPLICATION),
        ({"mode": Cohort.Mode.INVITATION}, enrollment_service.ERROR_INVITATION_ONLY),
    ],
)
def test_enrollment_create_refuses_with_a_clear_reason(
    cohort_factory, learner, fields, code
):
    cohort = cohort_factory(**fields)

    with pytest.raises(ServiceError) as refused:
        enrollment_create(user=learner, cohort=cohort)

    assert refused.value.code == code
    assert refused.value.message
    assert not cohort.enrollments.exists()


def test_withdrawal_promotes_the_first_on_the_waitlist_and_mails_them(
    cohort_factory, user_factory, mailoutbox, django_capture_on_commit_callbacks
):
    cohort = cohort_factory(seats=1)
    holder, first, second = user_factory(), user_factory(), user_factory()
    taken = enrollment_create(user=holder, cohort=cohort).enrollment
    enrollment_create(user=first, cohort=cohort)
    enrollment_create(user=second, cohort=cohort)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        enrollment_withdraw(enrollment=taken, actor=holder)

    assert Enrollment.objects.get(user=first).status == Status.ENROLLED
    assert Enrollment.objects.get(user=second).status == Status.WAITLISTED
    assert my_learning(user=second)[0].waitlist_position == 1
    promoted = Enrollment.objects.get(user=first).events.last()
    assert promoted.actor is None and promoted.note == "waitlist promotion"
    assert [m.to for m in mailoutbox] == [[first.email]]


def test_withdrawing_twice_is_harmless(cohort_factory, learner):
    enrollment = enrollment_create(user=learner, cohort=cohort_factory()).enrollment
    enrollment_withdraw(enrollment=enrollment, actor=learner)

    again = enrollment_withdraw(enrollment=enrollment, actor=learner)

    assert not again.changed
    assert enrollment.events.count() == 2


def test_withdrawn_learner_can_enrol_again_in_the_same_row(cohort_factory, learner):
    cohort = cohort_factory()
    enrollment = enrollment_create(user=learner, cohort=cohort).enrollment
    enrollment_withdraw(enrollment=enrollment, actor=learner)

    again = enrollment_create(user=learner, cohort=cohort)

    assert again.changed and again.enrollment.pk == enrollment.pk
    assert again.enrollment.status == Status.ENROLLED
    assert [e.to_status for e in enrollment.events.all()] == [
        Status.ENROLLED,
        Status.WITHDRAWN,
        Status.ENROLLED,
    ]


def test_completed_enrollment_cannot_be_withdrawn(cohort_factory, learner):
    cohort = cohort_factory()
    enrollment = Enrollment.objects.create(
        user=learner, cohort=cohort, status=Status.COMPLETED
    )

    with pytest.raises(ServiceError) as refused:
        enrollment_withdraw(enrollment=enrollment, actor=learner)

    assert refused.value.code == enrollment_service.ERROR_NOT_WITHDRAWABLE


def test_apply_needs_a_motivation_and_an_approval_cohort(cohort_factory, learner):
    approval = cohort_factory(mode=Cohort.Mode.APPROVAL)
    with pytest.raises(ServiceError) as short:
        enrollment_apply(user=learner, cohort=approval, motivation="pls")
    assert short.value.code == enrollment_service.ERROR_MOTIVATION

    with pytest.raises(ServiceError) as wrong_mode:
        enrollment_apply(
            user=learner,
            cohort=cohort_factory(),
            motivation="I really want to learn ML.",
        )
    assert wrong_mode.value.code == enrollment_service.ERROR_NOT_APPLYING


def test_approval_gives_a_seat_or_the_waitlist_and_tells_the_applicant(
    cohort_factory,
    user_factory,
    staff_member,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    cohort = cohort_factory(mode=Cohort.Mode.APPROVAL, seats=1)
    motivation = "I build energy systems and want AI."
    a, b = user_factory(), user_factory()
    first = enrollment_apply(user=a, cohort=cohort, motivation=motivation).enrollment
    second = enrollment_apply(user=b, cohort=cohort, motivation=motivation).enrollment
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        enrollment_approve(enrollment=first, actor=staff_member, message="Welcome!")
        enrollment_approve(enrollment=second, actor=staff_member)

    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, second.status) == (Status.ENROLLED, Status.WAITLISTED)
    assert first.events.last().actor == staff_member
    assert "Welcome!" in mailoutbox[0].body
    assert len(mailoutbox) == 2


def test_rejection_is_final_for_that_cohort(
    cohort_factory,
    learner,
    staff_member,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    cohort = cohort_factory(mode=Cohort.Mode.APPROVAL)
    application = enrollment_apply(
        user=learner, cohort=cohort, motivation="I want to join the graduate school."
    ).enrollment

    with django_capture_on_commit_callbacks(execute=True):
        enrollment_reject(
            enrollment=application, actor=staff_member, message="Next year."
        )

    assert "Next year." in mailoutbox[-1].body
    with pytest.raises(ServiceError) as refused:
        enrollment_apply(
            user=learner,
            cohort=cohort,
            motivation="I want to join the graduate school.",
        )
    assert refused.value.code == enrollment_service.ERROR_REJECTED


def test_only_pending_applications_can_be_decided(
    cohort_factory, learner, staff_member
):
    enrollment = enrollment_create(user=learner, cohort=cohort_factory()).enrollment
    with pytest.raises(ServiceError) as refused:
        enrollment_approve(enrollment=enrollment, actor=staff_member)
    assert refused.value.code == enrollment_service.ERROR_NOT_PENDING


def test_more_seats_promote_the_waitlist_at_once(cohort_factory, user_factory):
    cohort = cohort_factory(seats=1)
    enrollment_create(user=user_factory(), cohort=cohort)
    waiting = enrollment_create(user=user_factory(), cohort=cohort).enrollment

    cohort.seats = 2
    cohort_save(cohort=cohort)

    waiting.refresh_from_db()
    assert waiting.status == Status.ENROLLED
