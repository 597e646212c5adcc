"""Enrolment: joining, applying, waitlists, approval, withdrawal.

Every path that can take a seat first locks the cohort row (SELECT … FOR UPDATE on
PostgreSQL; SQLite's IMMEDIATE transactions serialize writers), then counts and
writes inside the same transaction, so seats are never oversold.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from courses.catalogue.cache import catalogue_changed
from courses.core.errors import ServiceError
from courses.enrollment.models import Cohort, Enrollment, EnrollmentEvent
from courses.enrollment.notifications import notify_later
from courses.enrollment.signals import seats_change

Status = Enrollment.Status

ERROR_CANCELLED = "cancelled"
ERROR_NOT_OPEN = "not_open"
ERROR_CLOSED = "closed"
ERROR_NEEDS_APPLICATION = "needs_application"
ERROR_INVITATION_ONLY = "invitation_only"
ERROR_NOT_APPLYING = "not_applying"
ERROR_REJECTED = "rejected"
ERROR_MOTIVATION = "motivation_required"
ERROR_NOT_WITHDRAWABLE = "not_withdrawable"
ERROR_NOT_PENDING = "not_pending"
ERROR_NOT_WAITLISTABLE = "not_waitlistable"
ERROR_SEAT_FREE = "seat_free"
ERROR_NOBODY_WAITING = "nobody_waiting"


@dataclass(frozen=True)
class EnrollmentOutcome:
    enrollment: Enrollment
    changed: bool


def _lock_cohort(cohort: Cohort) -> Cohort:
    return Cohort.objects.select_for_update(of=("self",)).get(pk=cohort.pk)


def _check_joinable(cohort: Cohort) -> None:
    now = timezone.now()
    if cohort.is_cancelled:
        raise ServiceError(
            _("This cohort was cancelled; it takes no enrolments."),
            code=ERROR_CANCELLED,
        )
    if now < cohort.enrollment_opens_at:
        when = formats.date_format(
            timezone.localtime(cohort.enrollment_opens_at), "DATETIME_FORMAT"
        )
        raise ServiceError(
            _("Enrolment opens on %(when)s.") % {"when": when}, code=ERROR_NOT_OPEN
        )
    if now >= cohort.enrollment_closes_at:
        when = formats.date_format(
            timezone.localtime(cohort.enrollment_closes_at), "DATETIME_FORMAT"
        )
        raise ServiceError(
            _("Enrolment closed on %(when)s.") % {"when": when}, code=ERROR_CLOSED
        )


def _existing(*, user, cohort: Cohort) -> Enrollment | None:
    enrollment = Enrollment.objects.filter(user=user, cohort=cohort).first()
    if enrollment and enrollment.status == Status.REJECTED:
        raise ServiceError(
            _("Your application to this cohort was not accepted."), code=ERROR_REJECTED
        )
    return enrollment


def _transition(
    enrollment: Enrollment, to: str, *, actor=None, note: str = ""
) -> Enrollment:
    """Move an enrolment to ``to`` and record who did it and why."""
    previous = enrollment.status if enrollment.pk else ""
    enrollment.status = to
    enrollment.waitlisted_at = timezone.now() if to == Status.WAITLISTED else None
    enrollment.full_clean(validate_unique=False, validate_constraints=False)
    enrollment.save()
    EnrollmentEvent.objects.create(
        enrollment=enrollment,
        from_status=previous,
        to_status=to,
        actor=actor,
        note=note,
    )
    if Status.ENROLLED in (previous, to):
        seats_change(enrollment.user_id)  # the lab group follows the seat
    return enrollment


def _seat_or_waitlist(cohort: Cohort) -> str:
    taken = cohort.enrollments.filter(status__in=Enrollment.SEAT_HOLDING).count()
    return Status.ENROLLED if taken < cohort.seats else Status.WAITLISTED


def _join(
    *, user, cohort: Cohort, to: str | None, actor, note: str = "", motivation: str = ""
) -> EnrollmentOutcome:
    """Create or reopen ``user``'s enrolment in the locked ``cohort``."""
    enrollment = _existing(user=user, cohort=cohort)
    if enrollment and enrollment.status in Enrollment.ACTIVE:
        return EnrollmentOutcome(enrollment, changed=False)
    enrollment = enrollment or Enrollment(user=user, cohort=cohort)
    if motivation:
        enrollment.motivation = motivation
    _transition(enrollment, to or _seat_or_waitlist(cohort), actor=actor, note=note)
    notify_later(enrollment, enrollment.status)
    catalogue_changed()
    return EnrollmentOutcome(enrollment, changed=True)


@transaction.atomic
def enrollment_create(*, user, cohort: Cohort) -> EnrollmentOutcome:
    """Enrol ``user`` in an open cohort, or put them on its waitlist when full."""
    cohort = _lock_cohort(cohort)
    _check_joinable(cohort)
    if cohort.mode == Cohort.Mode.APPROVAL:
        raise ServiceError(
            _("This cohort admits by application: apply with a short motivation."),
            code=ERROR_NEEDS_APPLICATION,
        )
    if cohort.mode == Cohort.Mode.INVITATION:
        raise ServiceError(
            _("This cohort is by invitation only."), code=ERROR_INVITATION_ONLY
        )
    return _join(user=user, cohort=cohort, to=None, actor=user)


@transaction.atomic
def enrollment_apply(*, user, cohort: Cohort, motivation: str) -> EnrollmentOutcome:
    """Apply to a cohort that admits by approval; staff decide later."""
    cohort = _lock_cohort(cohort)
    _check_joinable(cohort)
    if cohort.mode != Cohort.Mode.APPROVAL:
        raise ServiceError(
            _("This cohort does not take applications."), code=ERROR_NOT_APPLYING
        )
    motivation = motivation.strip()
    if len(motivation) < 20:
        raise ServiceError(
            _("Tell us in a few sentences (at least 20 characters) why you apply."),
            code=ERROR_MOTIVATION,
        )
    return _join(
        user=user, cohort=cohort, to=Status.APPLIED, actor=user, motivation=motivation
    )


@transaction.atomic
def enrollment_join_by_invitation(*, user, cohort: Cohort) -> EnrollmentOutcome:
    """Enrol an invited person (any mode): a seat, or the waitlist when full."""
    cohort = _lock_cohort(cohort)
    _check_joinable(cohort)
    return _join(user=user, cohort=cohort, to=None, actor=user, note="invitation")


@transaction.atomic
def enrollment_approve(
    *, enrollment: Enrollment, actor, message: str = ""
) -> EnrollmentOutcome:
    """Admit an applicant: a seat if one is left, otherwise the waitlist."""
    cohort = _lock_cohort(enrollment.cohort)
    enrollment = Enrollment.objects.select_for_update(of=("self",)).get(
        pk=enrollment.pk
    )
    if enrollment.status != Status.APPLIED:
        raise ServiceError(
            _("Only pending applications can be approved or rejected."),
            code=ERROR_NOT_PENDING,
        )
    _transition(enrollment, _seat_or_waitlist(cohort), actor=actor, note=message)
    notify_later(enrollment, "approved", message)
    catalogue_changed()
    return EnrollmentOutcome(enrollment, changed=True)


@transaction.atomic
def enrollment_reject(
    *, enrollment: Enrollment, actor, message: str = ""
) -> EnrollmentOutcome:
    """Turn down an application, telling the applicant ``message``."""
    enrollment = Enrollment.objects.select_for_update(of=("self",)).get(
        pk=enrollment.pk
    )
    if enrollment.status != Status.APPLIED:
        raise ServiceError(
            _("Only pending applications can be approved or rejected."),
            code=ERROR_NOT_PENDING,
        )
    _transition(enrollment, Status.REJECTED, actor=actor, note=message)
    notify_later(enrollment, "rejected", message)
    return EnrollmentOutcome(enrollment, changed=True)


@transaction.atomic
def enrollment_withdraw(
    *, enrollment: Enrollment, actor, note: str = ""
) -> EnrollmentOutcome:
    """Leave a cohort (or remove someone from it) and promote the waitlist."""
    cohort = _lock_cohort(enrollment.cohort)
    enrollment = Enrollment.objects.select_for_update(of=("self",)).get(
        pk=enrollment.pk
    )
    if enrollment.status == Status.WITHDRAWN:
        return EnrollmentOutcome(enrollment, changed=False)
    if enrollment.status not in (Status.APPLIED, Status.WAITLISTED, Status.ENROLLED):
        raise ServiceError(
            _("A finished enrolment cannot be withdrawn."), code=ERROR_NOT_WITHDRAWABLE
        )
    freed_seat = enrollment.status == Status.ENROLLED
    _transition(enrollment, Status.WITHDRAWN, actor=actor, note=note)
    if freed_seat:
        waitlist_promote(cohort=cohort)
    catalogue_changed()
    return EnrollmentOutcome(enrollment, changed=True)


def _check_waitlistable(enrollment: Enrollment, cohort: Cohort) -> None:
    if enrollment.status == Status.WAITLISTED:
        raise ServiceError(_("Already on the waitlist."), code=ERROR_NOT_WAITLISTABLE)
    if enrollment.status not in (Status.APPLIED, Status.ENROLLED):
        raise ServiceError(
            _("Only applicants and enrolled people can be moved to the waitlist."),
            code=ERROR_NOT_WAITLISTABLE,
        )
    # Free seats go to the waitlist in order: waiting beside a free seat, or
    # leaving one nobody else waits for, would be undone at the next promotion.
    if enrollment.status == Status.APPLIED and cohort.seats_taken() < cohort.seats:
        raise ServiceError(
            _("A seat is free: approve the application instead."),
            code=ERROR_SEAT_FREE,
        )
    waiting = cohort.enrollments.filter(status=Status.WAITLISTED).exists()
    if enrollment.status == Status.ENROLLED and not waiting:
        raise ServiceError(
            _("Nobody else is waiting: the seat would come straight back."),
            code=ERROR_NOBODY_WAITING,
        )


@transaction.atomic
def enrollment_waitlist(
    *, enrollment: Enrollment, actor, note: str = ""
) -> EnrollmentOutcome:
    """Put an applicant (of a full cohort) or an enrolled person at the end of
    the waitlist; a seat so freed goes to the longest-waiting person."""
    cohort = _lock_cohort(enrollment.cohort)
    enrollment = Enrollment.objects.select_for_update(of=("self",)).get(
        pk=enrollment.pk
    )
    _check_waitlistable(enrollment, cohort)
    freed_seat = enrollment.status == Status.ENROLLED
    _transition(enrollment, Status.WAITLISTED, actor=actor, note=note)
    notify_later(enrollment, "waitlisted")
    if freed_seat:
        waitlist_promote(cohort=cohort)
    catalogue_changed()
    return EnrollmentOutcome(enrollment, changed=True)


def waitlist_promote(*, cohort: Cohort) -> list[Enrollment]:
    """Give free seats to the longest-waiting people; call with the cohort locked."""
    today = timezone.localdate(timezone=timezone.get_default_timezone())
    if cohort.is_cancelled or cohort.ends_on < today:
        return []
    free = cohort.seats - cohort.seats_taken()
    if free <= 0:
        return []
    promoted = list(
        cohort.enrollments.select_for_update(of=("self",))
        .filter(status=Status.WAITLISTED)
        .order_by("waitlisted_at", "pk")[:free]
    )
    for enrollment in promoted:
        _transition(enrollment, Status.ENROLLED, note="waitlist promotion")
        notify_later(enrollment, "promoted")
    return promoted
