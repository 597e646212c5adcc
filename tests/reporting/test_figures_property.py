"""Every surface shows the same pipeline figures, and they are the definitions'.

Hypothesis makes institutions, cohorts of the tracks' courses, enrolments of
every status, submissions, lab activity, attendance, completions and track
completions (valid and revoked), then for every filter (none; each track; each
year present; each institution; a year and a track) reads the figures back
from the five surfaces (the catalogue's track cards, /progress/, the admin
dashboard, its CSV/XLSX downloads, the reporting API) and checks that:

(a) they agree with each other (the public ones after suppression);
(b) they equal bench/dashboard.py's hand-written SQL of each definition;
(c) the funnel's stages are nested, and no share is above 100 %;
(d) the public surfaces hide the same cells: exactly the counts below 5, plus
    the complementary rule for years.

Each example's rows are made inside a transaction rolled back at its end.
The SQL is PostgreSQL's: DATABASE_URL=postgres://… to run this.
"""

import datetime as dt
import itertools
import os
import zoneinfo
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, example, given, note
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bench.dashboard import raw_figures
from courses.catalogue import page_cache
from courses.catalogue.models import ProgressPage
from courses.completion.models import Completion, TrackCompletion
from courses.core.models import Institution
from courses.enrollment.models import Enrollment
from courses.grading.models import Assignment, Submission
from courses.lab.models import LabActivity
from courses.reporting.choices import dashboard_choices
from courses.reporting.models import TalentProgramme, TalentTarget
from courses.reporting.tokens import api_token_create
from tests import figures_surfaces as surfaces
from tests.caches import cache_clear
from tests.factories import CohortFactory, CoursePageFactory, TrackPageFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="the hand-written SQL is PostgreSQL's: DATABASE_URL=postgres://…",
    ),
    pytest.mark.django_db,
]

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
SUPPRESSED = surfaces.SUPPRESSED
SMALLEST_SHOWN = 5
# The programme runs 2023–2030; 2022 is before it (a pilot), 2027 a cohort
# taking applications for next year. The clock is the real one (from 2026 on,
# every track completion made here is in the past).
YEARS = (2022, 2023, 2024, 2025, 2026)  # of track completions
COHORT_YEARS = (*YEARS, 2027)
TABLES = ("overview", "tracks", "years", "institutions", "funnel")
STATUSES = tuple(Enrollment.Status.values)
SEAT = set(Enrollment.SEAT_HOLDING)
# FIGURES_EXAMPLES=… runs more (or fewer) examples locally.
EXAMPLES = int(os.environ.get("FIGURES_EXAMPLES", "25"))
COURSES, TRACKS = 4, 3  # of the stage: see ``_stage``
User = get_user_model()
_names = itertools.count()
examples_run = []  # one entry per example, for the closing note


# The world an example describes (plain data, so Hypothesis shrinks it) --------


@dataclass(frozen=True)
class CohortSpec:
    course: int  # index into the stage's courses
    institution: int
    year: int
    day: str  # "first", "mid" or "last" day of the year


@dataclass(frozen=True)
class EnrolmentSpec:
    cohort: int
    status: str
    admitted: bool  # admitted_at set even without a seat (e.g. withdrew)
    attended: bool
    submitted: bool
    completion: str | None  # None, "valid" or "revoked"


@dataclass(frozen=True)
class TrackCompletionSpec:
    track: int
    institution: int
    year: int
    moment: str  # "mid", "new year" (00:30 on 1 January), "eve" (23:30, 31 Dec)
    revoked: bool


@dataclass(frozen=True)
class PersonSpec:
    copies: int  # this many people with the same records
    lab: bool
    enrolments: tuple[EnrolmentSpec, ...]
    track_completions: tuple[TrackCompletionSpec, ...]


@dataclass(frozen=True)
class World:
    institutions: int
    cohorts: tuple[CohortSpec, ...]
    people: tuple[PersonSpec, ...]
    year_and_track: tuple[int, int]


@st.composite
def enrolment_specs(draw, cohort: int) -> EnrolmentSpec:
    status = draw(st.sampled_from(STATUSES))
    completion = st.sampled_from(["valid", "valid", "revoked", None])
    return EnrolmentSpec(
        cohort=cohort,
        status=status,
        admitted=draw(st.booleans()),
        attended=draw(st.booleans()),
        submitted=draw(st.booleans()),
        # Mostly where the status says so; sometimes not (data is untidy).
        completion=draw(
            completion
            if status == "completed"
            else st.one_of(st.none(), st.none(), completion)
        ),
    )


@st.composite
def person_specs(draw, cohorts: int, institutions: int, tracks: int) -> PersonSpec:
    joined = draw(st.lists(st.integers(0, cohorts - 1), unique=True, max_size=3))
    completed = draw(st.lists(st.integers(0, tracks - 1), unique=True, max_size=tracks))
    return PersonSpec(
        copies=draw(st.integers(1, 4)),
        lab=draw(st.booleans()),
        enrolments=tuple(draw(enrolment_specs(c)) for c in joined),
        track_completions=tuple(
            TrackCompletionSpec(
                track=t,
                institution=draw(st.integers(0, institutions - 1)),
                year=draw(st.sampled_from(YEARS)),
                moment=draw(st.sampled_from(["mid", "new year", "eve"])),
                revoked=draw(st.booleans()),
            )
            for t in completed
        ),
    )


@st.composite
def worlds(draw, *, courses: int, tracks: int) -> World:
    institutions = draw(st.integers(1, 3))
    cohorts = draw(
        st.lists(
            st.builds(
                CohortSpec,
                course=st.integers(0, courses - 1),
                institution=st.integers(0, institutions - 1),
                year=st.sampled_from(COHORT_YEARS),
                day=st.sampled_from(["first", "mid", "last"]),
            ),
            min_size=1,
            max_size=5,
        )
    )
    people = draw(
        st.lists(person_specs(len(cohorts), institutions, tracks), max_size=8)
    )
    return World(
        institutions=institutions,
        cohorts=tuple(cohorts),
        people=tuple(people),
        year_and_track=(
            draw(st.sampled_from(COHORT_YEARS[1:])),  # one the filters offer
            draw(st.integers(0, tracks - 1)),
        ),
    )


def _trained_in(year: int, people: int) -> PersonSpec:
    done = TrackCompletionSpec(
        track=0, institution=0, year=year, moment="mid", revoked=False
    )
    return PersonSpec(
        copies=people, lab=False, enrolments=(), track_completions=(done,)
    )


# Rarely drawn, so always tried: one year below 5 beside a total that shows,
# so the smallest year shown (2023, the first of three fives) is hidden too.
HIDDEN_BESIDE_THE_TOTAL = World(
    institutions=1,
    cohorts=(CohortSpec(course=0, institution=0, year=2024, day="mid"),),
    people=tuple(
        _trained_in(year, n) for year, n in ((2023, 5), (2024, 5), (2025, 5), (2026, 2))
    ),
    year_and_track=(2024, 0),
)


# The stage every example plays on (made once per test) ------------------------


@dataclass
class Stage:
    tracks: list  # TrackPage, in tree order
    courses: list  # CoursePage
    progress_url: str
    key: str  # of the reporting API
    admin: object  # a signed-in client (superuser)
    client: object  # anonymous
    # The years the forms offer: a year before the programme (2022) has
    # figures in the API only, the forms refuse it.
    offered_years: list[int]
    this_year: int = field(default_factory=lambda: timezone.localdate().year)


@pytest.fixture
def stage(catalogue, track, course, admin_client, client, request):
    """The tracks, courses, programme, progress page, token and clients every
    example uses; afterwards, records how many examples ran (also shown by
    ``--hypothesis-show-statistics``)."""
    examples_run.clear()
    yield _stage(catalogue, track, course, admin_client, client)
    # As record_property does, without its warning under junit's xunit2.
    request.node.user_properties.append(("hypothesis_examples", len(examples_run)))


def _stage(catalogue, track, course, admin_client, client) -> Stage:
    camp = TrackPageFactory(parent=catalogue, code="camp", slug="camp")
    youth = TrackPageFactory(parent=catalogue, code="youth", slug="youth")
    courses = [
        course,
        CoursePageFactory(parent=camp, code="citizen-lab", slug="citizen-lab"),
        CoursePageFactory(parent=youth, code="teen-ai", slug="teen-ai"),
        CoursePageFactory(parent=youth, code="teen-data", slug="teen-data"),
    ]
    programme = TalentProgramme.objects.create(
        name="Property programme", total_target=60, start_year=2023, end_year=2030
    )
    for n, (target_track, year) in enumerate(
        itertools.product([track, camp, youth], YEARS[1:])
    ):
        TalentTarget.objects.create(
            programme=programme, track=target_track, year=year, target=3 + n % 4
        )
    page = catalogue.add_child(instance=ProgressPage(title="현황", slug="progress"))
    page.save_revision().publish()
    _token, key = api_token_create(name="property test")
    return Stage(
        tracks=[track, camp, youth],
        courses=courses,
        progress_url=page.url,
        key=key,
        admin=admin_client,
        client=client,
        offered_years=dashboard_choices(scope=None)["years"],
    )


# Making an example's rows -----------------------------------------------------


@dataclass
class Built:
    institutions: list[str]  # codes
    years: list[int]  # years present: of cohorts and of track completions


def _seoul(year: int, month: int, day: int, hour: int = 12, minute: int = 0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=SEOUL)


def _start(spec: CohortSpec) -> dt.date:
    return {
        "first": dt.date(spec.year, 1, 1),
        "mid": dt.date(spec.year, 6, 15),
        "last": dt.date(spec.year, 12, 31),
    }[spec.day]


def _completed_at(spec: TrackCompletionSpec) -> dt.datetime:
    # 23:30 on 31 December 2026 is still to come: completions are in the past.
    if spec.moment == "new year":
        return _seoul(spec.year, 1, 1, 0, 30)
    if spec.moment == "eve" and spec.year < timezone.localdate().year:
        return _seoul(spec.year, 12, 31, 23, 30)
    return _seoul(spec.year, 6, 1)


def build(world: World, stage: Stage) -> Built:
    """The example's rows, made with the ORM (bulk: no signals, no services,
    so the records are exactly as described)."""
    run = next(_names)
    places = Institution.objects.bulk_create(
        Institution(code=f"p{run}-inst-{n}", name=f"기관 {n}", name_en=f"Place {n}")
        for n in range(world.institutions)
    )
    cohorts = [
        CohortFactory(
            course=stage.courses[spec.course],
            institution=places[spec.institution],
            starts_on=_start(spec),
            ends_on=_start(spec) + dt.timedelta(days=60),
            enrollment_opens_at=_seoul(spec.year - 1, 11, 1),
            enrollment_closes_at=_seoul(spec.year - 1, 12, 1),
        )
        for spec in world.cohorts
    ]
    tasks = Assignment.objects.bulk_create(
        Assignment(cohort=c, name="ps1", title="PS1") for c in cohorts
    )
    people = User.objects.bulk_create(
        User(username=f"p{run}-{n}-{copy}", email=f"p{run}-{n}-{copy}@example.org")
        for n, person in enumerate(world.people)
        for copy in range(person.copies)
    )
    specs = [person for person in world.people for _copy in range(person.copies)]
    _records(list(zip(people, specs, strict=True)), cohorts, tasks, places, stage)
    years = {spec.year for spec in world.cohorts} | {
        timezone.localtime(t.completed_at, SEOUL).year
        for t in TrackCompletion.objects.all()
    }
    return Built(institutions=[p.code for p in places], years=sorted(years))


def _records(people, cohorts, tasks, places, stage) -> None:
    now = timezone.now()
    enrolments, lab, submissions, tracks = [], [], [], []
    for person, spec in people:
        if spec.lab:
            lab.append(
                LabActivity(user=person, first_active_at=now, last_active_at=now)
            )
        for e in spec.enrolments:
            admitted = e.status in SEAT or e.admitted
            enrolments.append(
                Enrollment(
                    user=person,
                    cohort=cohorts[e.cohort],
                    status=e.status,
                    attended=e.attended,
                    admitted_at=now if admitted else None,
                )
            )
            if e.submitted:
                submissions.append(
                    Submission(
                        assignment=tasks[e.cohort],
                        user=person,
                        attempt=1,
                        submitted_at=now,
                        source=Submission.Source.LAB,
                    )
                )
        for t in spec.track_completions:
            tracks.append(
                TrackCompletion(
                    user=person,
                    track=stage.tracks[t.track],
                    institution=places[t.institution],
                    completed_at=_completed_at(t),
                    revoked_at=now if t.revoked else None,
                    revoked_reason="test" if t.revoked else "",
                )
            )
    Enrollment.objects.bulk_create(enrolments)
    LabActivity.objects.bulk_create(lab)
    Submission.objects.bulk_create(submissions)
    TrackCompletion.objects.bulk_create(tracks)
    _completions(people, enrolments, now)


def _completions(people, enrolments, now) -> None:
    specs = [e for _person, spec in people for e in spec.enrolments]
    Completion.objects.bulk_create(
        Completion(
            enrollment=enrolment,
            user=enrolment.user,
            cohort=enrolment.cohort,
            passed_at=now,
            source=Completion.Source.RULE,
            revoked_at=now if spec.completion == "revoked" else None,
            revoked_reason="test" if spec.completion == "revoked" else "",
        )
        for enrolment, spec in zip(enrolments, specs, strict=True)
        if spec.completion is not None
    )


# Reading the surfaces ---------------------------------------------------------


def filters(world: World, built: Built, stage: Stage) -> list[dict]:
    """No filter; each track; each year present; each institution; a year and
    a track. Years only those the forms of the dashboard and /progress/ offer
    (the programme's): the API alone takes any other year, and the three then
    disagree (reported; see ``Stage.offered_years``)."""
    year, track = world.year_and_track
    return [
        {},
        *({"track": t.code} for t in stage.tracks),
        *({"year": y} for y in built.years if y in stage.offered_years),
        *({"institution": code} for code in built.institutions),
        {"year": year, "track": stage.tracks[track].code},
    ]


def _ok(response):
    assert response.status_code == 200, (response.status_code, response.content[:300])
    return response


def from_api(stage: Stage, flt: dict) -> dict:
    response = stage.client.get(
        "/api/reporting/figures", flt, HTTP_AUTHORIZATION=f"Bearer {stage.key}"
    )
    return surfaces.from_api(_ok(response).json())


def from_dashboard(stage: Stage, flt: dict) -> tuple[dict, dict, dict]:
    """The dashboard page's figures, its tables (as rows of text) and their
    keys by title."""
    raw = _ok(stage.admin.get("/admin/talent-pipeline/", flt)).content
    html = surfaces.page(raw)
    tables = surfaces.dashboard(html)
    shown = surfaces.from_tables(tables)
    headline = surfaces.dashboard_headline(html)
    assert headline == shown["trained"], ("headline vs overview table", flt)
    return shown, tables, surfaces.table_titles(html)


def from_xlsx(stage: Stage, flt: dict, titles: dict) -> dict:
    """The figures of the workbook of every table."""
    data = _ok(stage.admin.get("/admin/talent-pipeline/all.xlsx", flt)).content
    sheets = surfaces.xlsx_tables(data)
    assert set(sheets) == set(titles), ("sheets vs the page's tables", flt)
    return surfaces.from_tables({titles[t]: rows for t, rows in sheets.items()})


def check_csv(stage: Stage, flt: dict, key: str, html_tables: dict) -> None:
    """One table's CSV shows the same counts as the page's table."""
    data = _ok(stage.admin.get(f"/admin/talent-pipeline/{key}.csv", flt)).content
    tables = {key: surfaces.csv_table(data)}
    on_page = surfaces.from_tables({key: html_tables[key]})
    assert surfaces.from_tables(tables) == on_page, ("CSV vs dashboard", key, flt)


def from_progress(stage: Stage, flt: dict) -> dict:
    html = _ok(stage.client.get(stage.progress_url, flt)).content
    titles = {t.title: t.code for t in stage.tracks}
    return surfaces.progress(html, titles=titles)


def from_sql(flt: dict) -> dict:
    with connection.cursor() as cursor:
        raw = raw_figures(cursor, **flt)

    def first(value):
        return value[0] if isinstance(value, tuple | list) else value

    return {
        "trained": raw["trained"],
        "tracks": {code: first(v) for code, v in raw["tracks"].items()},
        "years": {y: first(v) for y, v in raw["years"].items()},
        "institutions": {code: first(v) for code, v in raw["institutions"].items()},
        "funnel": dict(raw["funnel"]),
    }


# What the public may see ------------------------------------------------------


def shown(n):
    return n if n >= SMALLEST_SHOWN else SUPPRESSED


def public(figures: dict, this_year: int) -> dict:
    """``figures`` as the public should see them: counts below 5 hidden; when
    exactly one year is hidden and the total shows, the smallest year shown
    (up to this year) is hidden too, or the total if no year shows."""
    years = {
        y: shown(n) if y <= this_year else n
        for y, n in sorted(figures["years"].items())
    }
    total = shown(figures["trained"])
    hidden = [y for y, v in years.items() if v == SUPPRESSED]
    if len(hidden) == 1 and total != SUPPRESSED:
        visible = [y for y, v in years.items() if v != SUPPRESSED and y <= this_year]
        if visible:
            years[min(visible, key=lambda y: years[y])] = SUPPRESSED
        else:
            total = SUPPRESSED
    out = {
        key: {k: shown(n) for k, n in value.items()}
        for key, value in figures.items()
        if isinstance(value, dict)
    }
    return {**out, "trained": total, "years": years}


def dense(a: dict, b: dict) -> tuple[dict, dict]:
    """Both with the same keys, 0 where one lacks a key (the SQL leaves rows of
    nothing out)."""
    keys = set(a) | set(b)
    return {k: a.get(k, 0) for k in keys}, {k: b.get(k, 0) for k in keys}


# The property -----------------------------------------------------------------


def check_filter(stage: Stage, flt: dict, *, csv: str, xlsx: bool) -> tuple:
    """Every surface for one filter; the API's figures and those of /progress/
    (None with an institution, which it does not offer). The downloads: one
    table's CSV, and (if ``xlsx``) the workbook of every table."""
    api = from_api(stage, flt)
    page, html_tables, titles = from_dashboard(stage, flt)
    # (a) the admin's surfaces and the API: the same figures, unsuppressed
    assert page == {k: api[k] for k in page}, ("dashboard vs API", flt)
    check_csv(stage, flt, csv, html_tables)
    if xlsx:
        book = from_xlsx(stage, flt, titles)
        assert book == page, ("XLSX vs dashboard", flt)
    # (b) the definitions, in SQL
    sql = from_sql(flt)
    for key in ("trained", "tracks", "funnel"):
        assert api[key] == sql[key], (key, flt, api[key], sql[key])
    for key in ("years", "institutions"):
        shown_here, defined = dense(api[key], sql[key])
        assert shown_here == defined, (key, flt, api[key], sql[key])
    # (c) a nested funnel: every stage within the one before, no share over 100 %
    stages = list(api["funnel"].values())
    assert list(api["funnel"]) == list(surfaces.FUNNEL), api["funnel"]
    assert all(b <= a for a, b in itertools.pairwise(stages)), (flt, api["funnel"])
    assert all(s <= 100 for s in surfaces.shares(html_tables["funnel"])), flt
    # (a, d) the public page: the same figures, suppressed by the rule
    seen = None
    if "institution" not in flt:
        seen = from_progress(stage, flt)
        expected = public(api, stage.this_year)
        assert seen == {k: expected[k] for k in seen}, ("progress", flt, seen)
    return api, seen


def check_world(world: World, built: Built, stage: Stage) -> None:
    every = filters(world, built, stage)
    # Each filter's CSV is one table, in turn: an example fetches each of them.
    tables = itertools.cycle(TABLES)
    apis, pages = zip(
        *(
            check_filter(stage, flt, csv=next(tables), xlsx=flt is every[-1])
            for flt in every
        ),
        strict=True,
    )
    whole = apis[0]
    for flt, api in zip(every, apis, strict=True):
        # A filter's total is the whole city's row of that track or year.
        if list(flt) == ["track"]:
            assert api["trained"] == whole["tracks"][flt["track"]], flt
        if list(flt) == ["year"]:
            assert api["trained"] == whole["years"].get(flt["year"], 0), flt
    # (a, d) the catalogue's cards: each track's trained, every year, suppressed
    # as on /progress/
    cards = surfaces.cards(_ok(stage.client.get("/")).content)
    assert cards == {t.code: shown(whole["tracks"][t.code]) for t in stage.tracks}
    assert cards == pages[0]["tracks"], "cards vs /progress/"


@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis/ in the tree: a failure prints its example
    print_blob=True,
    # Explaining a failure re-runs it dozens of times at seconds each.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # ``stage``: made once, never changed
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(world=worlds(courses=COURSES, tracks=TRACKS))
@example(world=HIDDEN_BESIDE_THE_TOTAL)
def test_every_surface_shows_the_same_figures_as_the_definitions(stage, world):
    examples_run.append(world)
    # Anonymous pages are cached across requests: never across examples.
    cache_clear()
    page_cache.memory.clear()
    with transaction.atomic():
        try:
            built = build(world, stage)
            note(f"filters: {filters(world, built, stage)}")
            check_world(world, built, stage)
        finally:
            transaction.set_rollback(True)
