"""What enrollment shows on catalogue pages: cohorts with seats, a visitor's own
places, seats open per track, the courses open now (answers catalogue/signals.py)."""

from collections import defaultdict

from django.db.models import F
from django.db.models.functions import Substr
from django.utils import timezone
from wagtail.models import Page

from courses.catalogue.models import CoursePage, TrackPage
from courses.catalogue.selectors import track_source_paths
from courses.enrollment.models import Cohort
from courses.enrollment.selectors import (
    cohort_state,
    cohorts_with_seats,
    enrollments_of_user_in,
)


def _seats_open_by_track(length: int) -> dict[str, int]:
    now = timezone.now()
    open_now = cohorts_with_seats(
        Cohort.objects.filter(
            is_cancelled=False,
            enrollment_opens_at__lte=now,
            enrollment_closes_at__gt=now,
            course__live=True,
        )
    ).annotate(track_path=Substr("course__path", 1, length))
    totals: dict[str, int] = defaultdict(int)
    for row in open_now.values("track_path", "seats", "taken"):
        totals[row["track_path"]] += max(0, row["seats"] - row["taken"])
    return totals


def _cohorts_by_course_key(translation_keys) -> dict:
    cohorts = (
        cohorts_with_seats(
            Cohort.objects.filter(course__translation_key__in=translation_keys)
        )
        .select_related("institution")
        .annotate(course_key=F("course__translation_key"))
        .order_by("starts_on", "pk")
    )
    grouped = defaultdict(list)
    now = timezone.now()
    for cohort in cohorts:
        cohort.state = cohort_state(cohort, now)
        grouped[cohort.course_key].append(cohort)
    return grouped


def track_detail(*, track: TrackPage) -> dict:
    """The track's live courses, each with ``cohorts`` and ``open_cohorts``."""
    courses = list(CoursePage.objects.child_of(track).live().order_by("path"))
    grouped = _cohorts_by_course_key([c.translation_key for c in courses])
    for course in courses:
        course.cohort_list = grouped.get(course.translation_key, [])
        course.open_cohorts = [c for c in course.cohort_list if c.state.joinable]
    return {"courses": courses}


def course_detail(*, course: CoursePage, user) -> dict:
    """The course's cohorts with seats, and the visitor's own enrolments in them."""
    cohorts = _cohorts_by_course_key([course.translation_key]).get(
        course.translation_key, []
    )
    mine = enrollments_of_user_in(user=user, cohorts=cohorts)
    taught = set()
    if user.is_authenticated and cohorts:
        taught = set(
            user.taught_cohorts.filter(pk__in=[c.pk for c in cohorts]).values_list(
                "pk", flat=True
            )
        )
    for cohort in cohorts:
        cohort.my_enrollment = mine.get(cohort.pk)
        cohort.i_teach = cohort.pk in taught
    return {"cohorts": cohorts, "track": course.get_parent().specific}


def seats_open_by_track(tracks: list[TrackPage]) -> dict[str, int]:
    """translation key → seats open now in the track's cohorts."""
    if not tracks:
        return {}
    seats = _seats_open_by_track(tracks[0].depth * Page.steplen)
    paths = track_source_paths(tracks)
    return {key: seats.get(path, 0) for key, path in paths.items()}


def open_course_keys_now(now):
    """The translation keys of courses with a cohort open for enrolment ``now``."""
    return Cohort.objects.filter(
        is_cancelled=False,
        enrollment_opens_at__lte=now,
        enrollment_closes_at__gt=now,
    ).values("course__translation_key")
