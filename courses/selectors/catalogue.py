"""Reads for the public catalogue: tracks, courses, cohorts, search."""

import re
from collections import defaultdict

from django.db.models import F
from django.db.models.functions import Substr
from django.utils import timezone
from wagtail.models import Locale, Page

from courses.figures import SMALLEST_SHOWN, SUPPRESSED
from courses.models import CataloguePage, Cohort, CoursePage, TrackPage

from .cohorts import cohort_state, cohorts_with_seats
from .enrollment import enrollments_of_user_in
from .pipeline import trained_by_track

# Quotes, brackets, ``*``, ``^``, ``:`` are syntax to SQLite's FTS5 (and some to
# PostgreSQL's tsquery), and both indexes keep only words: search for words alone.
NOT_A_WORD = re.compile(r"[\W_]+")
SEARCH_MAX_WORDS = 20  # enough for any title; bounds the query's size


def _search_words(query: str) -> str:
    """The words of ``query`` (letters and digits in any script), space-separated."""
    words = NOT_A_WORD.sub(" ", query).split()[:SEARCH_MAX_WORDS]
    # Uppercase AND/OR/NOT/NEAR are operators to some backends, lowercase never.
    return " ".join(word.lower() for word in words)


def _track_prefix_length(track_depth: int) -> int:
    return track_depth * Page.steplen


def track_cards(*, catalogue: CataloguePage) -> list[TrackPage]:
    """Live tracks with ``seats_open`` (open cohorts now) and ``completed_count``
    (the track's trained people, every year: as on the progress page and the
    dashboard; "<5" below 5)."""
    tracks = list(TrackPage.objects.child_of(catalogue).live().order_by("path"))
    if not tracks:
        return tracks
    # Cohorts hang off the default-language pages: count by their paths.
    source_paths = dict(
        TrackPage.objects.filter(
            translation_key__in=[t.translation_key for t in tracks],
            locale=Locale.get_default(),
        ).values_list("translation_key", "path")
    )
    length = _track_prefix_length(tracks[0].depth)
    seats = _seats_open_by_track(length)
    trained = trained_by_track()
    for track in tracks:
        path = source_paths.get(track.translation_key)
        track.seats_open = seats.get(path, 0)
        # A public page: small counts could point at people (as on the
        # progress page, counts below SMALLEST_SHOWN read "<5").
        count = trained.get(track.code, 0)
        track.completed_count = count if count >= SMALLEST_SHOWN else SUPPRESSED
    return tracks


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


def course_search(
    *,
    locale: Locale,
    query: str = "",
    track: TrackPage | None = None,
    level: str = "",
    format: str = "",
    language: str = "",
    open_only: bool = False,
) -> list[CoursePage]:
    """Live courses in ``locale`` matching the text and filters, best match first."""
    courses = CoursePage.objects.live().filter(locale=locale)
    if track is not None:
        courses = courses.child_of(track)
    filters = {"level": level, "format": format, "language": language}
    courses = courses.filter(**{k: v for k, v in filters.items() if v})
    if open_only:
        now = timezone.now()
        open_keys = Cohort.objects.filter(
            is_cancelled=False,
            enrollment_opens_at__lte=now,
            enrollment_closes_at__gt=now,
        ).values("course__translation_key")
        courses = courses.filter(translation_key__in=open_keys)
    if not query.strip():
        return list(courses.order_by("path"))
    words = _search_words(query)
    if not words:  # punctuation only: nothing can match it
        return []
    # Rank by Wagtail search over the locale, then keep those the filters allow.
    ranked = [
        page.pk
        for page in CoursePage.objects.live().filter(locale=locale).search(words)
    ]
    allowed = set(courses.filter(pk__in=ranked).values_list("pk", flat=True))
    by_pk = CoursePage.objects.in_bulk([pk for pk in ranked if pk in allowed])
    return [by_pk[pk] for pk in ranked if pk in allowed]
