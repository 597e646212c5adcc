"""A learner's progress for My learning: per cohort against its completion rule,
per track against its policy, with the certificates earned."""

from dataclasses import dataclass

from courses.completion.models import Certificate, Completion, TrackCompletion
from courses.completion.selectors.standing import (
    CAN_PASS,
    Standing,
    enrollment_standing,
)
from courses.completion.selectors.tracks import TrackStanding, track_of, track_standing
from courses.enrollment.models import Enrollment


@dataclass(frozen=True)
class CohortProgress:
    standing: Standing
    completion: Completion | None  # valid only
    certificate: Certificate | None  # valid only


@dataclass(frozen=True)
class TrackProgress:
    standing: TrackStanding
    completion: TrackCompletion | None  # valid only
    certificate: Certificate | None  # valid only


def _valid_certificates(user) -> list[Certificate]:
    return list(Certificate.objects.filter(user=user, revoked_at__isnull=True))


def cohort_progress(
    *, user, enrollments: list[Enrollment]
) -> dict[int, CohortProgress]:
    """Progress of each enrolment that can pass, by enrolment id."""
    completions = {
        c.enrollment_id: c
        for c in Completion.objects.filter(user=user, revoked_at__isnull=True)
    }
    certificates = {c.completion_id: c for c in _valid_certificates(user)}
    progress = {}
    for enrollment in enrollments:
        if enrollment.status not in CAN_PASS:
            continue
        completion = completions.get(enrollment.pk)
        progress[enrollment.pk] = CohortProgress(
            standing=enrollment_standing(enrollment=enrollment),
            completion=completion,
            certificate=certificates.get(completion.pk) if completion else None,
        )
    return progress


def track_progress(*, user, enrollments: list[Enrollment]) -> list[TrackProgress]:
    """Each track of the courses ``user`` holds a seat in, against its policy."""
    tracks = {}
    for enrollment in enrollments:
        if enrollment.status in Enrollment.SEAT_HOLDING:
            track = track_of(enrollment.cohort.course)
            tracks.setdefault(track.pk, track)
    done = {
        t.track_id: t
        for t in TrackCompletion.objects.filter(user=user, revoked_at__isnull=True)
    }
    certificates = {c.track_completion_id: c for c in _valid_certificates(user)}
    return [
        TrackProgress(
            standing=track_standing(user=user, track=track),
            completion=done.get(track.pk),
            certificate=certificates.get(done[track.pk].pk)
            if track.pk in done
            else None,
        )
        for _pk, track in sorted(tracks.items(), key=lambda item: item[1].path)
    ]
