"""The benchmark's catalogue: two tracks (20 and 200 courses), five cohorts a course.

Pages go through treebeard's ``add_child`` (Wagtail fills paths, URL paths and
the search index); cohorts, people and enrolments are bulk inserts.
"""

import datetime as dt
import itertools
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Page, Site

from courses.catalogue.models import CataloguePage, CoursePage, TrackPage
from courses.core.models import Institution
from courses.enrollment.models import Cohort, Enrollment

COHORTS_PER_COURSE = 5
SEATS = 20
Status = Enrollment.Status


@transaction.atomic
def catalogue_load(*, sizes: dict[str, int], seed: int = 1) -> dict[str, TrackPage]:
    """Build the site and one track of ``n`` courses per ``{code: n}``."""
    catalogue = _catalogue()
    institutions = _institutions()
    people = _people(COHORTS_PER_COURSE * SEATS)
    rng = random.Random(seed)
    tracks = {}
    for code, n in sizes.items():
        track = catalogue.add_child(
            instance=TrackPage(
                title=f"Track {code}",
                slug=code,
                code=code,
                summary="A track of the pipeline, for the benchmark.",
                audience="Everyone who wants to learn AI.",
            )
        )
        courses = [_course(track, code, i) for i in range(n)]
        cohorts = _cohorts(courses, institutions, rng)
        _enrolments(cohorts, people, rng)
        tracks[code] = track
    return tracks


def _catalogue() -> CataloguePage:
    root = Page.get_first_root_node()
    catalogue = root.add_child(
        instance=CataloguePage(
            title="광주 AI 인재 양성", slug="catalogue", locale=Locale.get_default()
        )
    )
    site = Site.objects.get(is_default_site=True)
    welcome = site.root_page
    site.root_page = catalogue
    site.save()
    welcome.delete()
    return catalogue


def _institutions() -> list[Institution]:
    return Institution.objects.bulk_create(
        Institution(code=f"inst-{i}", name=f"기관 {i}", name_en=f"Institution {i}")
        for i in range(5)
    )


def _people(n: int) -> list:
    User = get_user_model()
    return User.objects.bulk_create(
        User(username=f"bench-{i}", email=f"bench-{i}@example.org", password="!")
        for i in range(n)
    )


def _course(track: TrackPage, track_code: str, i: int) -> CoursePage:
    levels, formats = CoursePage.Level.values, CoursePage.Format.values
    return track.add_child(
        instance=CoursePage(
            title=f"Course {i} of {track_code}",
            slug=f"{track_code}-c{i}",
            code=f"{track_code}-c{i}",
            summary="Learn machine learning by doing: data, models, evaluation.",
            level=levels[i % len(levels)],
            format=formats[i % len(formats)],
            hours=20 + i % 40,
            prerequisites="<p>Python and a little <b>statistics</b>.</p>",
        )
    )


def _window(kind: str, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Windows days away from now, so no page expires during the run."""
    day = dt.timedelta(days=1)
    return {
        "upcoming": (now + 5 * day, now + 15 * day),
        "closed": (now - 20 * day, now - 5 * day),
    }.get(kind, (now - 3 * day, now + 7 * day))


def _cohorts(courses, institutions, rng) -> list[Cohort]:
    now = timezone.now()
    kinds = ["open", "open", "full", "upcoming", "closed"]
    cohorts = []
    for course, k in itertools.product(courses, range(COHORTS_PER_COURSE)):
        kind = kinds[k]
        opens, closes = _window(kind, now)
        starts = timezone.localdate() + dt.timedelta(days=30 + 7 * k)
        cohorts.append(
            Cohort(
                course=course,
                institution=rng.choice(institutions),
                code=f"run-{k}",
                lab_course_id=f"{course.code}-run-{k}",
                title=f"{kind.title()} run {k}" if k % 2 else "",
                starts_on=starts,
                ends_on=starts + dt.timedelta(days=60),
                enrollment_opens_at=opens,
                enrollment_closes_at=closes,
                seats=SEATS,
                mode=Cohort.Mode.OPEN if k != 1 else Cohort.Mode.APPROVAL,
                location="GIST campus, room 101" if k % 2 else "",
                is_cancelled=(kind == "closed" and rng.random() < 0.2),
            )
        )
    cohorts = Cohort.objects.bulk_create(cohorts)
    for cohort, kind in zip(cohorts, itertools.cycle(kinds), strict=False):
        cohort.kind = kind
    return cohorts


def _enrolments(cohorts, people, rng) -> None:
    rows = []
    for cohort in cohorts:
        if cohort.kind == "full":
            enrolled, waiting = SEATS, rng.randint(1, 5)
        else:
            enrolled, waiting = rng.randint(0, SEATS - 1), 0
        chosen = rng.sample(people, enrolled + waiting)
        statuses = [Status.ENROLLED] * enrolled + [Status.WAITLISTED] * waiting
        now = timezone.now()
        rows += [
            Enrollment(
                user=user,
                cohort=cohort,
                status=status,
                waitlisted_at=now if status == Status.WAITLISTED else None,
            )
            for user, status in zip(chosen, statuses, strict=True)
        ]
    Enrollment.objects.bulk_create(rows, batch_size=5000)
