"""Applying a planned list of people to a cohort, all or nothing."""

import secrets

from django.db import transaction
from django.utils import timezone

from courses.catalogue.cache import catalogue_changed
from courses.core.errors import ServiceError
from courses.enrollment.bulk_enrol import (
    Outcome,
    RowPlan,
    bulk_enrol_plan,
    bulk_enrol_refusal,
)
from courses.enrollment.bulk_enrol_files import PersonRow
from courses.enrollment.invitations import send_invitation
from courses.enrollment.models import Cohort, Enrollment, EnrollmentEvent, Invitation
from courses.enrollment.notifications import notify_later
from courses.enrollment.signals import seats_change

Status = Enrollment.Status
ERROR_BULK_REFUSED = "bulk_refused"
# The enrolment changes' note, so the roster's history says where they came from.
EVENT_NOTE = "bulk enrolment from a file"


@transaction.atomic
def enrollment_bulk_create(
    *, cohort: Cohort, rows: list[PersonRow], actor
) -> list[RowPlan]:
    """Enrol, waitlist or invite the people of ``rows``; return what each row did.

    The cohort row stays locked (as for every seat taken one by one) while the
    list is planned again and applied, so the seats counted are the seats left."""
    cohort = Cohort.objects.select_for_update(of=("self",)).get(pk=cohort.pk)
    refusal = bulk_enrol_refusal(cohort)
    if refusal:
        raise ServiceError(refusal, code=ERROR_BULK_REFUSED)
    plans = bulk_enrol_plan(cohort=cohort, rows=rows)
    seated = [p for p in plans if p.outcome in (Outcome.ENROL, Outcome.WAITLIST)]
    _enrol(cohort, seated, actor)
    _invite(cohort, [p for p in plans if p.outcome == Outcome.INVITE], actor)
    return plans


def _enrol(cohort: Cohort, plans: list[RowPlan], actor) -> None:
    reopened = Enrollment.objects.in_bulk(
        [plan.enrollment_id for plan in plans if plan.enrollment_id]
    )
    now, events = timezone.now(), []
    for plan in plans:
        enrollment = reopened.get(plan.enrollment_id) or Enrollment(
            user_id=plan.user_id
        )
        enrollment.cohort = cohort  # shared: the audit trail reads it per entry
        previous = enrollment.status if enrollment.pk else ""
        _seat(enrollment, plan, now)
        events.append(_event(enrollment, previous, actor))
        notify_later(enrollment, enrollment.status)
    EnrollmentEvent.objects.bulk_create(events)
    seats_change(
        *[e.enrollment.user_id for e in events if e.to_status == Status.ENROLLED]
    )
    if plans:
        catalogue_changed()


def _seat(enrollment: Enrollment, plan: RowPlan, now) -> None:
    waiting = plan.outcome == Outcome.WAITLIST
    enrollment.status = Status.WAITLISTED if waiting else Status.ENROLLED
    enrollment.waitlisted_at = now if waiting else None
    enrollment.full_clean(
        exclude=["user", "cohort"], validate_unique=False, validate_constraints=False
    )
    # One save each, not bulk_create: the audit trail records every enrolment.
    enrollment.save()


def _event(enrollment: Enrollment, previous: str, actor) -> EnrollmentEvent:
    return EnrollmentEvent(
        enrollment=enrollment,
        from_status=previous,
        to_status=enrollment.status,
        actor=actor,
        note=EVENT_NOTE,
    )


def _invite(cohort: Cohort, plans: list[RowPlan], actor) -> None:
    invitations = []
    for plan in plans:
        invitation = Invitation(
            cohort=cohort,
            email=plan.row.email.lower(),
            token=secrets.token_urlsafe(32),
            invited_by=actor,
        )
        invitation.full_clean(
            exclude=["cohort", "invited_by"],
            validate_unique=False,
            validate_constraints=False,
        )
        invitations.append(invitation)
    Invitation.objects.bulk_create(invitations)
    ids = [invitation.pk for invitation in invitations]
    # The mail goes out as invitation_create's does: a task per invitation, queued
    # only once the enrolments and invitations are committed.
    transaction.on_commit(lambda: _send_all(ids))


def _send_all(invitation_ids: list[int]) -> None:
    for invitation_id in invitation_ids:
        send_invitation.enqueue(invitation_id)
