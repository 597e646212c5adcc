"""Completions and track completions: issued by a cohort's rule or by staff,
revoked (never deleted), each with its certificate. Definitions:
docs/completion.md; where a person stands: ``courses.selectors.completion``.

Locks: the enrolment rows first, then the person's row (track completions), so
that two evaluations of one person never interleave and never deadlock.
"""

import functools
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from courses.catalogue.cache import catalogue_changed
from courses.completion.models import Completion
from courses.completion.selectors.standing import (
    CAN_PASS,
    Standing,
    cohort_standings,
    enrollment_standing,
)
from courses.completion.selectors.tracks import track_of
from courses.completion.services.certificates import (
    certificate_grant,
    certificate_withdraw,
)
from courses.completion.services.tracks import (
    TRACK_REVOKED,
    Revocations,
    _track_evaluate,
)
from courses.core.errors import ServiceError
from courses.enrollment.models import Cohort, Enrollment
from courses.enrollment.services import _transition

Status = Enrollment.Status
Source = Completion.Source
ERROR_REASON = "reason_required"
ERROR_NO_SEAT = "no_seat"
ERROR_ALREADY = "already_passed"
ERROR_NOT_VALID = "not_valid"
# Kept untranslated in the record; shown through gettext.
RULE_ISSUED = gettext_noop("Passed by the cohort's completion rule.")
RULE_REVOKED = gettext_noop("No longer meets the cohort's completion rule.")
RULE_REEVALUATED = gettext_noop("rule re-evaluated")
CONFIRMED = gettext_noop("Confirmed early by an instructor.")
ERROR_NOT_PASSING = "not_passing"
ERROR_NOT_STARTED = "not_started"


@dataclass(frozen=True)
class EvaluationOutcome:
    issued: int
    revoked: int


def _set_status(enrollment: Enrollment, to: str, *, by, note: str) -> None:
    if enrollment.status != to:
        _transition(enrollment, to, actor=by, note=note)
        catalogue_changed()  # catalogue cards count people who completed


def _track_after(completion: Completion, reason: str = TRACK_REVOKED) -> Revocations:
    track = track_of(completion.cohort.course)
    return _track_evaluate(completion.user, track, reason)[1]


def _issue(
    enrollment: Enrollment, *, source: str, grade, by=None, reason: str = ""
) -> Completion:
    completion, _created = Completion.objects.update_or_create(
        enrollment=enrollment,
        defaults={
            "user": enrollment.user,
            "cohort": enrollment.cohort,
            "passed_at": timezone.now(),
            "grade": grade,
            "source": source,
            "issued_by": by,
            "reason": reason,
            "revoked_at": None,
            "revoked_by": None,
            "revoked_reason": "",
        },
    )
    certificate_grant(completion=completion)
    _set_status(enrollment, Status.COMPLETED, by=by, note=reason or RULE_ISSUED)
    _track_after(completion)
    return completion


def _revoke(completion: Completion, *, by=None, reason: str) -> Revocations:
    completion.revoked_at = timezone.now()
    completion.revoked_by = by
    completion.revoked_reason = reason
    completion.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
    withdrawn = certificate_withdraw(completion=completion, reason=reason)
    if completion.enrollment.status == Status.COMPLETED:
        _set_status(completion.enrollment, Status.ENROLLED, by=by, note=reason)
    revoked = Revocations(completions=1, certificates=withdrawn)
    revoked.add(_track_after(completion, reason))
    return revoked


def _apply(standing: Standing, completion: Completion | None) -> Completion | None:
    """Act on one standing: issue by the rule, or revoke a rule's completion.
    Completions issued by staff or confirmed by an instructor stay: people
    decided those, so only people revoke them."""
    if completion is not None and completion.is_valid:
        if completion.source == Source.RULE and not standing.passes:
            _revoke(completion, reason=RULE_REVOKED)
            return completion
        if completion.source == Source.RULE and completion.grade != standing.grade:
            completion.grade = standing.grade
            completion.save(update_fields=["grade"])
        return completion
    if completion is not None and completion.revoked_by_id is not None:
        return completion  # revoked by staff: only staff issue it again
    if standing.issuable:
        return _issue(standing.enrollment, source=Source.RULE, grade=standing.grade)
    return completion


def _completions(cohort_id: int) -> dict[int, Completion]:
    return {
        c.enrollment_id: c
        for c in Completion.objects.filter(cohort_id=cohort_id).select_related(
            "enrollment", "cohort__course", "user"
        )
    }


def _evaluate(cohort: Cohort, users=None) -> EvaluationOutcome:
    completions = _completions(cohort.pk)
    issued = revoked = 0
    for standing in cohort_standings(cohort=cohort, users=users):
        before = completions.get(standing.enrollment.pk)
        was_valid = before is not None and before.is_valid
        after = _apply(standing, before)
        is_valid = after is not None and after.is_valid
        issued += is_valid and not was_valid
        revoked += was_valid and not is_valid
    return EvaluationOutcome(issued=issued, revoked=revoked)


@transaction.atomic
def completion_evaluate(*, enrollment: Enrollment) -> Completion | None:
    """Apply the cohort's rule to one enrolment: issue, keep or revoke."""
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("cohort", "user")
        .get(pk=enrollment.pk)
    )
    completion = _completions(enrollment.cohort_id).get(enrollment.pk)
    return _apply(enrollment_standing(enrollment=enrollment), completion)


@transaction.atomic
def completion_cohort_evaluate(*, cohort: Cohort) -> EvaluationOutcome:
    """Apply the cohort's rule to every enrolment of it (staff's re-evaluate)."""
    list(cohort.enrollments.select_for_update(of=("self",)).filter(status__in=CAN_PASS))
    return _evaluate(cohort)


def _evaluate_person(cohort_id: int, user_id: int) -> None:
    enrollment = Enrollment.objects.filter(cohort_id=cohort_id, user_id=user_id).first()
    if enrollment is not None:
        completion_evaluate(enrollment=enrollment)


def _evaluate_cohort(cohort_id: int) -> None:
    cohort = Cohort.objects.filter(pk=cohort_id).first()
    if cohort is not None:
        completion_cohort_evaluate(cohort=cohort)


def completion_evaluate_later(*, cohort_id: int, user_id: int) -> None:
    """Evaluate one person once the current transaction commits (after a grade
    or an extension); a failure is logged and never undoes the change."""
    callback = functools.partial(_evaluate_person, cohort_id, user_id)
    transaction.on_commit(callback, robust=True)


def completion_cohort_evaluate_later(*, cohort_id: int) -> None:
    """Evaluate a whole cohort once the current transaction commits."""
    transaction.on_commit(functools.partial(_evaluate_cohort, cohort_id), robust=True)


# Staff -----------------------------------------------------------------------------


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give a reason."), code=ERROR_REASON)
    return reason


@transaction.atomic
def completion_issue(*, enrollment: Enrollment, by, reason: str) -> Completion:
    """Staff pass a person whatever the rule says; the rule never revokes it."""
    reason = _reason(reason)
    enrollment = Enrollment.objects.select_for_update(of=("self",)).get(
        pk=enrollment.pk
    )
    if enrollment.status not in CAN_PASS:
        raise ServiceError(
            _("Only a person holding a seat in the cohort can pass it."),
            code=ERROR_NO_SEAT,
        )
    completion = _completions(enrollment.cohort_id).get(enrollment.pk)
    if completion is not None and completion.is_valid:
        raise ServiceError(_("This person has already passed."), code=ERROR_ALREADY)
    grade = enrollment_standing(enrollment=enrollment).grade
    return _issue(enrollment, source=Source.STAFF, grade=grade, by=by, reason=reason)


@transaction.atomic
def completion_revoke(*, completion: Completion, by, reason: str) -> Completion:
    """Staff revoke a completion (kept, with who and why); the rule does not
    issue it again, staff may."""
    reason = _reason(reason)
    Enrollment.objects.select_for_update(of=("self",)).get(pk=completion.enrollment_id)
    completion = _completions(completion.cohort_id)[completion.enrollment_id]
    if not completion.is_valid:
        raise ServiceError(
            _("This completion is already revoked."), code=ERROR_NOT_VALID
        )
    _revoke(completion, by=by, reason=reason)
    return completion


@transaction.atomic
def completion_confirm(*, enrollment: Enrollment, by) -> Completion:
    """An instructor confirms the completion of someone who passes so far but
    whose standing is not decided yet (recorded with who and when)."""
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("cohort", "user")
        .get(pk=enrollment.pk)
    )
    completion = _completions(enrollment.cohort_id).get(enrollment.pk)
    if completion is not None and completion.is_valid:
        raise ServiceError(_("This person has already passed."), code=ERROR_ALREADY)
    standing = enrollment_standing(enrollment=enrollment)
    if standing.issuable:  # decided meanwhile: the rule's own completion
        return _issue(enrollment, source=Source.RULE, grade=standing.grade)
    if not standing.started:
        raise ServiceError(
            _("The cohort has not started yet: nobody can pass it early."),
            code=ERROR_NOT_STARTED,
        )
    if not standing.passes:
        raise ServiceError(
            _("Only someone who meets the completion rule so far can be confirmed."),
            code=ERROR_NOT_PASSING,
        )
    return _issue(
        enrollment,
        source=Source.CONFIRMED,
        grade=standing.grade,
        by=by,
        reason=CONFIRMED,
    )


@transaction.atomic
def attendance_mark(*, cohort: Cohort, attended) -> EvaluationOutcome:
    """Set who attended (enrolment ids in ``attended``; the others did not) among
    the cohort's seat holders, and evaluate those whose mark changed."""
    attended = {int(pk) for pk in attended}
    seats = cohort.enrollments.select_for_update(of=("self",)).filter(
        status__in=Enrollment.SEAT_HOLDING
    )
    changed = [e for e in seats if e.attended != (e.pk in attended)]
    for enrollment in changed:
        enrollment.attended = enrollment.pk in attended
        enrollment.save(update_fields=["attended", "updated_at"])
    if not changed:
        return EvaluationOutcome(issued=0, revoked=0)
    return _evaluate(cohort, users=[e.user_id for e in changed])
