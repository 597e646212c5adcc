"""A person's standing on a track: which courses they passed against its policy."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses.catalogue.models import CoursePage, TrackPage
from courses.completion.models import Completion

# Tracks ------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackStanding:
    """One person against a track's completion policy."""

    track: TrackPage
    passed: int  # courses that count towards the policy, passed
    needed: int
    fulfilling: Completion | None  # the pass that completed the track, if any

    @property
    def met(self) -> bool:
        return self.fulfilling is not None

    @property
    def shown(self) -> int:
        """Courses passed, up to the number needed (for a progress bar)."""
        return min(self.passed, self.needed)


def track_of(course: CoursePage) -> TrackPage:
    """The (default-language) track a default-language course belongs to."""
    return TrackPage.objects.ancestor_of(course).get()


def track_courses(*, track: TrackPage) -> list[CoursePage]:
    """The published courses of a track, in the track's (default) language."""
    return list(CoursePage.objects.child_of(track).live().order_by("path"))


def _first_passes(user, courses: list[CoursePage]) -> dict[int, Completion]:
    """Each course's earliest valid completion of ``user``, by course id."""
    passes = (
        Completion.objects.filter(
            user=user, revoked_at__isnull=True, cohort__course__in=courses
        )
        .select_related("cohort")
        .order_by("passed_at", "pk")
    )
    first: dict[int, Completion] = {}
    for completion in passes:
        first.setdefault(completion.cohort.course_id, completion)
    return first


def track_standing(*, user, track: TrackPage) -> TrackStanding:
    """How far ``user`` is through ``track``'s policy, and the pass that met it."""
    courses = track_courses(track=track)
    first = _first_passes(user, courses)
    if track.completion_policy == TrackPage.CompletionPolicy.ALL_REQUIRED:
        required = [c.pk for c in courses if c.required_for_track]
        done = [first[pk] for pk in required if pk in first]
        needed = len(required)
        met = needed > 0 and len(done) == needed
        fulfilling = max(done, key=lambda c: (c.passed_at, c.pk)) if met else None
        return TrackStanding(track, len(done), needed, fulfilling)
    done = sorted(first.values(), key=lambda c: (c.passed_at, c.pk))
    needed = max(1, track.courses_needed)
    fulfilling = done[needed - 1] if len(done) >= needed else None
    return TrackStanding(track, len(done), needed, fulfilling)


def _default_track(track: TrackPage) -> TrackPage:
    """The default-language page, whose policy and courses count."""
    source = (
        TrackPage.objects.filter(
            translation_key=track.translation_key, locale__language_code=_default()
        )
        .exclude(pk=track.pk)
        .first()
    )
    return source or track


def _default() -> str:
    return settings.LANGUAGE_CODE


def track_rule(*, track: TrackPage) -> str:
    """The track's completion policy as one sentence in the active language,
    naming its required courses in that language."""
    track = _default_track(track)
    courses = track_courses(track=track)
    if track.completion_policy == TrackPage.CompletionPolicy.ALL_REQUIRED:
        titles = [c.localized.title for c in courses if c.required_for_track]
        if not titles:
            return _("No course of this track is marked as required yet.")
        return _("Complete every required course: %(courses)s") % {
            "courses": ", ".join(titles)
        }
    needed = max(1, track.courses_needed)
    return ngettext(
        "Complete any %(n)d of its courses",
        "Complete any %(n)d of its courses",
        needed,
    ) % {"n": needed}
