"""The data of bench/dashboard.py: a city-sized pipeline in PostgreSQL, fast.

Pages, institutions, cohorts, assignments and targets go through the ORM (a few
thousand rows); people and their records through COPY, written as text in big
chunks: 100,000 learners, 1,000,000 enrolments, 3,000,000 submissions, and the
completions, track completions, certificates and lab activity they lead to.
Seeded, so every run loads the same pipeline.
"""

import datetime as dt
import random
from collections import defaultdict

TRACKS = 5
COURSES_PER_TRACK = 10
COHORTS_PER_COURSE = 40  # 2020–2026, about six runs a year
INSTITUTIONS = 20
ASSIGNMENTS_PER_COHORT = 5
ENROLMENTS_PER_LEARNER = 10
# status → weight; about 70 % hold a seat (enrolled, completed, failed)
STATUSES = {
    "applied": 8,
    "waitlisted": 4,
    "rejected": 6,
    "withdrawn": 12,
    "enrolled": 20,
    "completed": 35,
    "failed": 15,
}
SEAT = ("enrolled", "completed", "failed")
COURSES_FOR_A_TRACK = 2  # completions of a track's courses that complete it
# how a completion was issued: mostly by the rule, a few confirmed early or by staff
SOURCES, SOURCE_WEIGHTS = ("rule", "confirmed", "staff"), (96, 3, 1)
REASONS = {"rule": "", "confirmed": "", "staff": "Passed the resit on paper"}
REVOKED = "rule re-evaluated"  # what completion_reevaluate writes
# The city's targets (5,150 people) grown with the data, twenty times the city's
# learners: the figures then stay short of them, so the forecast fits its line.
TARGET_SCALE = 20
UTC = dt.UTC
CHUNK = 200_000  # rows per COPY write
NULL = "\\N"  # COPY's text format


def ts(moment: dt.datetime | None) -> str:
    return NULL if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S+00")


def _copy(cursor, table: str, columns: str, rows) -> int:
    """COPY the tab-separated ``rows`` (strings ending in a newline) into table."""
    count, chunk = 0, []
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                copy.write("".join(chunk))
                count, chunk = count + len(chunk), []
        copy.write("".join(chunk))
    return count + len(chunk)


def catalogue() -> tuple[list, list]:
    """Five tracks of ten courses under a catalogue: (tracks, courses)."""
    from wagtail.models import Page

    from tests.factories import (
        CataloguePageFactory,
        CoursePageFactory,
        TrackPageFactory,
    )

    root = CataloguePageFactory(parent=Page.get_first_root_node(), slug="bench")
    tracks, courses = [], []
    for t in range(TRACKS):
        track = TrackPageFactory(parent=root, code=f"track-{t}", slug=f"track-{t}")
        tracks.append(track)
        for c in range(COURSES_PER_TRACK):
            code = f"t{t}-course-{c}"
            courses.append((t, CoursePageFactory(parent=track, code=code, slug=code)))
    return tracks, courses


def structure(rng: random.Random) -> dict:
    """Institutions, the programme and its targets, cohorts and assignments."""
    from courses.core.models import Institution
    from courses.enrollment.models import Cohort
    from courses.grading.models import Assignment
    from courses.reporting.models import TalentProgramme, TalentTarget

    tracks, courses = catalogue()
    places = Institution.objects.bulk_create(
        Institution(code=f"inst-{n:02d}", name=f"기관 {n:02d}", name_en=f"Inst {n:02d}")
        for n in range(INSTITUTIONS)
    )
    programme = TalentProgramme.objects.create(
        name="광주 AI 인재 5,150명 양성",
        total_target=5150 * TARGET_SCALE,
        start_year=2020,
        end_year=2029,
    )
    shares = [n * TARGET_SCALE for n in (300, 500, 1350, 1500, 1500)]
    TalentTarget.objects.bulk_create(
        TalentTarget(programme=programme, track=track, year=year, target=share // 10)
        for track, share in zip(tracks, shares, strict=True)
        for year in range(2020, 2030)
    )
    cohorts = []
    for t, course in courses:
        home = rng.choice(places)
        for n in range(COHORTS_PER_COURSE):
            starts = dt.date(2020, 1, 6) + dt.timedelta(
                days=n * 61 + rng.randint(0, 20)
            )
            cohorts.append(
                Cohort(
                    course=course,
                    institution=home if rng.random() < 0.7 else rng.choice(places),
                    code=f"run-{n}",
                    lab_course_id=f"{course.code}-run-{n}",
                    starts_on=starts,
                    ends_on=starts + dt.timedelta(days=60),
                    enrollment_opens_at=dt.datetime(2019, 1, 1, tzinfo=UTC),
                    enrollment_closes_at=dt.datetime(starts.year, 1, 1, tzinfo=UTC)
                    + dt.timedelta(days=starts.timetuple().tm_yday - 2),
                    seats=500,
                )
            )
            cohorts[-1].track_index = t
    tracks_of = {id(c): c.track_index for c in cohorts}
    saved = Cohort.objects.bulk_create(cohorts)
    assignments = Assignment.objects.bulk_create(
        Assignment(cohort=cohort, name=f"ps{a}", title=f"PS {a}")
        for cohort in saved
        for a in range(ASSIGNMENTS_PER_COHORT)
    )
    by_cohort = defaultdict(list)
    for assignment in assignments:
        by_cohort[assignment.cohort_id].append(assignment.pk)
    return {
        "tracks": tracks,
        "places": places,
        "cohorts": [
            (
                c.pk,
                tracks[tracks_of[id(c)]].pk,
                c.institution_id,
                c.ends_on,
                c.starts_on,
            )
            for c in saved
        ],
        "assignments": by_cohort,
    }


def people(cursor, learners: int) -> int:
    """The learners (ids 1..learners) and one member of staff after them, who
    issues and confirms completions."""
    joined = ts(dt.datetime(2019, 6, 1, tzinfo=UTC))
    columns, blanks = _user_columns()
    rows = (
        f"{n}\t!\tf\t\t\tf\tt\t{joined}\tlearner-{n}\tlearner-{n}@example.org"
        f"\tLearner {n}\t\tko{blanks}\n"
        for n in range(1, learners + 1)
    )
    count = _copy(cursor, "accounts_user", columns, rows)
    staff = learners + 1
    _copy(
        cursor,
        "accounts_user",
        columns,
        [
            f"{staff}\t!\tf\t\t\tt\tt\t{joined}\tbench-staff"
            f"\tstaff@example.org\tStaff\t\tko{blanks}\n"
        ],
    )
    return count


def _user_columns() -> tuple[str, str]:
    """The person's COPY columns, and a tab and an empty string for each text
    column the accounts app added later (``time_zone`` …): those are blank for
    a learner, and NOT NULL without a database default."""
    from django.contrib.auth import get_user_model

    known = (
        "id, password, is_superuser, first_name, last_name, is_staff, is_active,"
        " date_joined, username, email, full_name, affiliation, language"
    )
    more = [
        f.column
        for f in get_user_model()._meta.concrete_fields
        if f.column not in known.split(", ") and not f.null and f.get_default() == ""
    ]
    return ", ".join([known, *more]), "\t" * len(more)


def enrolments(cursor, rng: random.Random, shape: dict, learners: int, total: int):
    """``total`` enrolments, as many per learner, in distinct cohorts, each made
    some weeks before its cohort starts and stored in that order (ids too), as
    people apply over the years; returns [(id, user, cohort index, status)]."""
    per = total // learners
    statuses = rng.choices(list(STATUSES), list(STATUSES.values()), k=per * learners)
    cohorts = shape["cohorts"]
    starts = [dt.datetime.combine(c[4], dt.time(0), UTC) for c in cohorts]
    drafts, n = [], 0
    for user in range(1, learners + 1):
        for cohort in rng.sample(range(len(cohorts)), per):
            early = dt.timedelta(days=rng.randint(7, 60), minutes=rng.randint(0, 900))
            drafts.append((starts[cohort] - early, user, cohort, statuses[n]))
            n += 1
    # A person's enrolments lie far apart on disk, not side by side.
    drafts.sort()
    _copy(
        cursor,
        "courses_enrollment",
        "id, status, motivation, created_at, updated_at, cohort_id, user_id,"
        " attended, waitlisted_at, admitted_at",
        (
            _enrolment(rng, e, user, cohorts[c], status, created)
            for e, (created, user, c, status) in enumerate(drafts, start=1)
        ),
    )
    return [(e, user, c, status) for e, (_t, user, c, status) in enumerate(drafts, 1)]


def _enrolment(
    rng: random.Random, eid: int, user: int, cohort, status: str, created
) -> str:
    """One enrolment's COPY line: admitted (``admitted_at``) if it holds a seat
    or held one before withdrawing; attended (marked by staff) for some of
    those holding a seat."""
    seat = status in SEAT
    admitted = seat or (status == "withdrawn" and rng.random() < 0.5)
    waitlisted = created + dt.timedelta(hours=1) if status == "waitlisted" else None
    return (
        f"{eid}\t{status}\t\t{ts(created)}\t{ts(created)}\t{cohort[0]}\t{user}"
        f"\t{'t' if seat and rng.random() < 0.4 else 'f'}\t{ts(waitlisted)}"
        f"\t{ts(created + dt.timedelta(days=3)) if admitted else NULL}\n"
    )


def submissions(cursor, rng: random.Random, shape: dict, rows, total: int) -> int:
    """About ``total`` submissions by the people holding a seat, stopping there:
    cohort by cohort in the order they start, each assignment due ten days
    after the one before (a second attempt a day later)."""
    seats = defaultdict(list)
    for _e, user, c, status in rows:
        if status in SEAT:
            seats[c].append(user)
    held = sum(len(users) for users in seats.values())
    chance = min(1.0, total / (held * ASSIGNMENTS_PER_COHORT * 1.15) * 1.02)
    cohorts, tasks = shape["cohorts"], shape["assignments"]

    def generate():
        n = 0
        for c in sorted(seats, key=lambda c: cohorts[c][4]):
            starts = dt.datetime.combine(cohorts[c][4], dt.time(12), UTC)
            for number, task in enumerate(tasks[cohorts[c][0]], start=1):
                at = [ts(starts + dt.timedelta(days=10 * number + a)) for a in (0, 1)]
                for user in seats[c]:
                    if rng.random() >= chance:
                        continue
                    for attempt in range(1, 3 if rng.random() < 0.15 else 2):
                        n += 1
                        if n > total:
                            return
                        yield (
                            f"{n}\t{attempt}\t{at[attempt - 1]}\t0\tlab\t\t[]\tgraded"
                            f"\t{task}\t{user}\t\t1\t\t0\t{rng.randint(0, 10)}\t10"
                            "\t\t{}\t[]\n"
                        )

    # COPY fills no Django default: every NOT NULL column is written here.
    columns = (
        "id, attempt, submitted_at, late_by, source, idempotency_key, warnings,"
        " status, assignment_id, user_id, grading_error, grading_tries, lease_token,"
        " penalty, score, max_score, formgrader_timestamp, grader_comments,"
        " grading_notes"
    )
    return _copy(cursor, "courses_submission", columns, generate())


def completions(cursor, rng: random.Random, shape: dict, rows) -> dict:
    """Passes of the completed enrolments (2 % revoked), track completions of
    people with two passes in a track (1 % revoked), certificates, lab use."""
    cohorts, now = shape["cohorts"], dt.datetime.now(UTC)
    passes, per_track = [], defaultdict(list)
    for eid, user, c, status in rows:
        if status != "completed":
            continue
        pk, track, place, ends, _starts = cohorts[c]
        passed = dt.datetime.combine(ends, dt.time(9), UTC) + dt.timedelta(
            days=rng.randint(1, 20), minutes=rng.randint(0, 600)
        )
        revoked = rng.random() < 0.02
        source = rng.choices(SOURCES, SOURCE_WEIGHTS)[0]
        passes.append((eid, user, pk, passed, revoked, source))
        if not revoked:
            per_track[user, track].append((passed, place))
    staff = max(user for _e, user, _c, _s in rows) + 1
    _copy(
        cursor,
        "courses_completion",
        "id, passed_at, grade, source, reason, issued_by_id, revoked_at,"
        " revoked_reason, cohort_id, enrollment_id, user_id",
        (
            f"{eid}\t{ts(passed)}\t75\t{source}\t{REASONS[source]}"
            f"\t{NULL if source == 'rule' else staff}\t{ts(now if revoked else None)}"
            f"\t{REVOKED if revoked else ''}\t{cohort}\t{eid}\t{user}\n"
            for eid, user, cohort, passed, revoked, source in passes
        ),
    )
    completed = []
    for (user, track), done in per_track.items():
        if len(done) >= COURSES_FOR_A_TRACK:
            passed, place = sorted(done)[COURSES_FOR_A_TRACK - 1]
            completed.append((passed, user, track, place))
    talents = [
        (tid, user, track, place, passed)
        for tid, (passed, user, track, place) in enumerate(sorted(completed), 1)
    ]
    revoked_talents = {t[0] for t in talents if rng.random() < 0.01}
    _copy(
        cursor,
        "courses_trackcompletion",
        "id, completed_at, revoked_at, revoked_reason, institution_id, track_id,"
        " user_id",
        (
            f"{tid}\t{ts(passed)}\t{ts(now if tid in revoked_talents else None)}"
            f"\t{REVOKED if tid in revoked_talents else ''}\t{place}\t{track}\t{user}\n"
            for tid, user, track, place, passed in talents
        ),
    )
    certificates = _certificates(cursor, rng, passes, talents, revoked_talents)
    lab = _lab(cursor, rng, rows)
    return {
        "completions": len(passes),
        "track completions": len(talents),
        "certificates": certificates,
        "lab activity": lab,
    }


def _certificates(cursor, rng, passes, talents, revoked_talents) -> int:
    issued = ts(dt.datetime(2026, 1, 1, tzinfo=UTC))
    rows = []
    for eid, user, _c, _p, revoked, _s in passes:
        if not revoked and rng.random() < 0.85:
            rows.append((user, str(eid), NULL, rng.random() < 0.03))
    for tid, user, *_rest in talents:
        if tid not in revoked_talents and rng.random() < 0.9:
            rows.append((user, NULL, str(tid), rng.random() < 0.03))
    return _copy(
        cursor,
        "courses_certificate",
        "id, code, name, title_ko, title_en, issued_at, revoked_at, revoked_reason,"
        " user_id, completion_id, track_completion_id",
        (
            f"{n}\tC{n:015d}\tLearner {user}\t수료증\tCertificate\t{issued}"
            f"\t{issued if gone else NULL}\t{'Issued in error' if gone else ''}"
            f"\t{user}\t{c}\t{t}\n"
            for n, (user, c, t, gone) in enumerate(rows, start=1)
        ),
    )


def _lab(cursor, rng, rows) -> int:
    seated = sorted({user for _e, user, _c, status in rows if status in SEAT})
    first = ts(dt.datetime(2024, 3, 1, tzinfo=UTC))
    last = ts(dt.datetime(2025, 3, 1, tzinfo=UTC))
    users = [u for u in seated if rng.random() < 0.8]
    return _copy(
        cursor,
        "courses_labactivity",
        "id, first_active_at, last_active_at, user_id",
        (f"{n}\t{first}\t{last}\t{user}\n" for n, user in enumerate(users, start=1)),
    )


def load(*, learners: int, enrolled: int, submitted: int, seed: int = 2026) -> dict:
    """Fill the (migrated, empty) database; returns how many rows of each."""
    from django.db import connection

    rng = random.Random(seed)
    shape = structure(rng)
    counts = {"cohorts": len(shape["cohorts"])}
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        counts["learners"] = people(raw, learners)
        rows = enrolments(raw, rng, shape, learners, enrolled)
        counts["enrolments"] = len(rows)
        counts["submissions"] = submissions(raw, rng, shape, rows, submitted)
        counts.update(completions(raw, rng, shape, rows))
        for table in (
            "accounts_user",
            "courses_enrollment",
            "courses_submission",
            "courses_completion",
            "courses_trackcompletion",
            "courses_certificate",
            "courses_labactivity",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT max(id) FROM {table}))"
            )
        cursor.execute("VACUUM ANALYZE")
    return counts
