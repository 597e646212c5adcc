"""Completions and track completions: issued by a cohort's rule or by staff,
revoked (never deleted), each with its certificate. Definitions:
docs/completion.md; where a person stands: ``courses.selectors.completion``.

Locks: the enrolment rows first, then the person's row (track completions), so
that two evaluations of one person never interleave and never deadlock.
"""

import datetime as dt
import functools
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from courses.models import Cohort, Completion, Enrollment, TrackCompletion, TrackPage
from courses.selectors.completion import (
    CAN_PASS,
    Standing,
    cohort_standings,
    cohorts_to_sweep,
    enrollment_standing,
    track_of,
    track_standing,
)

from .catalogue_cache import catalogue_changed
from .certificates import certificate_grant, certificate_withdraw
from .enrollment import _transition
from .errors import ServiceError

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
TRACK_REVOKED = gettext_noop("No longer meets the track's completion policy.")
CONFIRMED = gettext_noop("Confirmed early by an instructor.")
ERROR_NOT_PASSING = "not_passing"
ERROR_NOT_STARTED = "not_started"


@dataclass(frozen=True)
class EvaluationOutcome:
    issued: int
    revoked: int


@dataclass
class Revocations:
    """What a revocation (or a re-evaluation) took back, by kind."""

    completions: int = 0
    certificates: int = 0
    track_completions: int = 0
    track_certificates: int = 0

    def add(self, other: "Revocations") -> None:
        self.completions += other.completions
        self.certificates += other.certificates
        self.track_completions += other.track_completions
        self.track_certificates += other.track_certificates


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


# Tracks ------------------------------------------------------------------------


def _track_restore(record: TrackCompletion, passed: Completion) -> bool:
    """Bring a record up to the pass that now fulfils it; True if newly valid."""
    newly_valid = record.revoked_at is not None
    record.completed_at = passed.passed_at
    record.institution_id = passed.cohort.institution_id
    record.revoked_at = None
    record.revoked_reason = ""
    record.save(
        update_fields=["completed_at", "institution", "revoked_at", "revoked_reason"]
    )
    return newly_valid


def _track_revoke(record: TrackCompletion, reason: str) -> Revocations:
    record.revoked_at = timezone.now()
    record.revoked_reason = reason
    record.save(update_fields=["revoked_at", "revoked_reason"])
    withdrawn = certificate_withdraw(track_completion=record, reason=reason)
    return Revocations(track_completions=1, track_certificates=withdrawn)


def _track_evaluate(
    user, track: TrackPage, reason: str
) -> tuple[TrackCompletion | None, Revocations]:
    get_user_model().objects.select_for_update(of=("self",)).filter(pk=user.pk).first()
    passed = track_standing(user=user, track=track).fulfilling
    record = TrackCompletion.objects.filter(user=user, track=track).first()
    if (passed is None) != (record is None or record.revoked_at is not None):
        catalogue_changed()  # the track cards count trained people
    if passed is not None and record is None:
        record = TrackCompletion.objects.create(
            user=user,
            track=track,
            completed_at=passed.passed_at,
            institution_id=passed.cohort.institution_id,
        )
        certificate_grant(track_completion=record)
    elif passed is not None and _track_restore(record, passed):
        certificate_grant(track_completion=record)
    elif passed is None and record is not None and record.revoked_at is None:
        return record, _track_revoke(record, reason)
    return record, Revocations()


@transaction.atomic
def track_completion_evaluate(
    *, user, track: TrackPage, reason: str = TRACK_REVOKED
) -> TrackCompletion | None:
    """Apply the track's policy to one person: complete, keep, revoke (with
    ``reason``) or restore their track completion and its certificate."""
    return _track_evaluate(user, track, reason)[0]


# Time ------------------------------------------------------------------------------


def completion_sweep(*, since: dt.datetime) -> int:
    """Evaluate the cohorts where time alone may have changed a standing since
    ``since``: a due date (or an extension's) passed, so a missing attempt now
    counts 0; or the cohort started or ended, so standings may be decided."""
    cohorts = list(cohorts_to_sweep(since=since, now=timezone.now()))
    for cohort in cohorts:
        completion_cohort_evaluate(cohort=cohort)
    return len(cohorts)


# Re-evaluation ---------------------------------------------------------------------


@dataclass
class ReevaluationOutcome(Revocations):
    checked: int = 0  # valid completions issued by the rule, looked at


def _rule_completions(cohort_id: int) -> dict[int, Completion]:
    valid = Completion.objects.filter(
        cohort_id=cohort_id, source=Source.RULE, revoked_at__isnull=True
    )
    return {c.enrollment_id: c for c in valid.select_related("cohort__course", "user")}


@transaction.atomic
def _reevaluate_cohort(cohort: Cohort) -> ReevaluationOutcome:
    # Lock first, then read: a second run waiting here finds them revoked.
    held = Enrollment.objects.select_for_update(of=("self",)).filter(
        cohort=cohort, completion__source=Source.RULE, completion__revoked_at=None
    )
    locked = set(held.order_by("pk").values_list("pk", flat=True))
    completions = {
        pk: c for pk, c in _rule_completions(cohort.pk).items() if pk in locked
    }
    users = [c.user_id for c in completions.values()]
    standings = {
        s.enrollment.pk: s for s in cohort_standings(cohort=cohort, users=users)
    }
    outcome = ReevaluationOutcome(checked=len(completions))
    for enrollment_id, completion in completions.items():
        standing = standings.get(enrollment_id)  # None: no seat any more
        if standing is None or not standing.issuable:
            outcome.add(_revoke(completion, reason=RULE_REEVALUATED))
    return outcome


@transaction.atomic
def _reevaluate_track(record_id: int) -> Revocations:
    record = TrackCompletion.objects.select_related("user", "track").get(pk=record_id)
    record, revoked = _track_evaluate(record.user, record.track, RULE_REEVALUATED)
    return revoked


def completion_reevaluate() -> ReevaluationOutcome:
    """Check every valid completion the rule issued against the rule as it
    stands now; revoke ("rule re-evaluated") those that do not pass and are not
    decided, then every track completion no longer met. Idempotent; runs in
    parallel safely (row locks, one cohort per transaction)."""
    total = ReevaluationOutcome()
    valid = Completion.objects.filter(source=Source.RULE, revoked_at__isnull=True)
    cohorts = Cohort.objects.filter(pk__in=valid.values("cohort")).order_by("pk")
    for cohort in cohorts:
        outcome = _reevaluate_cohort(cohort)
        total.checked += outcome.checked
        total.add(outcome)
    tracks = TrackCompletion.objects.filter(revoked_at__isnull=True).order_by("pk")
    for record_id in tracks.values_list("pk", flat=True):
        total.add(_reevaluate_track(record_id))
    return total
