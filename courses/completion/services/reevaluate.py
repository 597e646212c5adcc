"""Re-evaluating every completion against today's rules (``completion_reevaluate``)."""

from dataclasses import dataclass

from django.db import transaction

from courses.completion.models import Completion, TrackCompletion
from courses.completion.selectors.standing import cohort_standings
from courses.completion.services.evaluate import (
    RULE_REEVALUATED,
    Revocations,
    Source,
    _revoke,
)
from courses.completion.services.tracks import _track_evaluate
from courses.enrollment.models import Cohort, Enrollment

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
