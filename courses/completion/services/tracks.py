"""Track completions follow the course completions they rest on."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from courses.catalogue.cache import catalogue_changed
from courses.catalogue.models import TrackPage
from courses.completion.models import Completion, TrackCompletion
from courses.completion.selectors.tracks import track_standing
from courses.completion.services.certificates import (
    certificate_grant,
    certificate_withdraw,
)

# Tracks ------------------------------------------------------------------------


TRACK_REVOKED = gettext_noop("No longer meets the track's completion policy.")


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
