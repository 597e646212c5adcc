"""A hand-built talent pipeline for the dashboard's tests (records made with the
ORM, as the completion services would leave them).

- ``pipeline``: a namespace with two tracks (``track_a`` = the ``track`` fixture,
  code "vocational"; ``track_b``, code "camp"), two institutions (``inst1`` = the
  ``institution`` fixture, "ai-academy"; ``inst2``, "uni"), a programme
  (2020–2029, 100 people) with targets, three cohorts and six people:

  ========  ==========================================================  =========
  person    records                                                     talent of
  ========  ==========================================================  =========
  alice     completed a24 (inst1, certificate) and b24 (inst2); lab;    A 2024,
            submitted in a24                                            B 2025
  bob       completed a25 (inst1), no certificate; lab; submitted a25   A 2025*
  carol     completed b24 (inst2, staff-issued camp pass, certificate   B 2024*
            revoked); the track certificate is valid
  dave      applied to a24                                              —
  erin      enrolled in a24; lab; submitted                             —
  frank     withdrew from a24; a revoked track completion              —
  ========  ==========================================================  =========

  Funnel (every cohort): applied 6, admitted 4 (alice, bob, carol, erin),
  enrolled 4, active 4 (erin by the lab; carol by her camp pass alone),
  completed 3 (alice, bob, carol).

  (*) on a new year's boundary: bob at 00:30 on 1 January 2025 and carol at 23:30
  on 31 December 2024, Seoul time; in UTC both fall on 31 December 2024.
- ``talent(user, track, institution, when)``: a valid TrackCompletion.
"""

import datetime as dt
import types
import zoneinfo

import pytest
from django.utils import timezone

from courses.completion.models import Certificate, Completion, TrackCompletion
from courses.enrollment.models import Enrollment
from courses.grading.models import Assignment, Submission
from courses.lab.models import LabActivity
from courses.reporting.models import TalentProgramme, TalentTarget
from tests.factories import (
    CohortFactory,
    CoursePageFactory,
    InstitutionFactory,
    TrackPageFactory,
)

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
Status = Enrollment.Status


def seoul(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SEOUL)


@pytest.fixture
def talent(db):
    def make(user, track, institution, when, **fields) -> TrackCompletion:
        return TrackCompletion.objects.create(
            user=user, track=track, institution=institution, completed_at=when, **fields
        )

    return make


def _cohort(course, institution, starts: dt.date):
    return CohortFactory(
        course=course,
        institution=institution,
        starts_on=starts,
        ends_on=starts + dt.timedelta(days=60),
        enrollment_opens_at=seoul(starts.year - 1, 12, 1),
        enrollment_closes_at=seoul(starts.year, starts.month, 1),
        seats=30,
    )


def _pass(enrollment, when, **fields) -> Completion:
    enrollment.status = Status.COMPLETED
    enrollment.save(update_fields=["status"])
    return Completion.objects.create(
        enrollment=enrollment,
        user=enrollment.user,
        cohort=enrollment.cohort,
        passed_at=when,
        source=fields.pop("source", Completion.Source.RULE),
        **fields,
    )


def _certificate(user, *, completion=None, track_completion=None, revoked=False):
    return Certificate.objects.create(
        user=user,
        completion=completion,
        track_completion=track_completion,
        name=str(user),
        title_ko="수료",
        title_en="Completed",
        issued_at=timezone.now(),
        revoked_at=timezone.now() if revoked else None,
    )


def _submit(user, assignment, attempt=1) -> Submission:
    return Submission.objects.create(
        assignment=assignment,
        user=user,
        attempt=attempt,
        submitted_at=timezone.now(),
        source=Submission.Source.LAB,
    )


def _lab(*people) -> None:
    now = timezone.now()
    for person in people:
        LabActivity.objects.create(user=person, first_active_at=now, last_active_at=now)


@pytest.fixture
def pipeline(catalogue, track, course, institution, user_factory, talent):
    track_b = TrackPageFactory(parent=catalogue, code="camp", slug="camp")
    course_b = CoursePageFactory(parent=track_b, code="citizen-lab", slug="citizen-lab")
    inst2 = InstitutionFactory(code="uni", name="대학교", name_en="University")
    programme = TalentProgramme.objects.create(
        name="Test programme", total_target=100, start_year=2020, end_year=2029
    )
    for target_track, year, target in (
        (track, 2024, 10),
        (track, 2025, 12),
        (track_b, 2024, 6),
        (track_b, 2025, 8),
    ):
        TalentTarget.objects.create(
            programme=programme, track=target_track, year=year, target=target
        )
    a24 = _cohort(course, institution, dt.date(2024, 3, 4))
    a25 = _cohort(course, institution, dt.date(2025, 3, 3))
    b24 = _cohort(course_b, inst2, dt.date(2024, 7, 1))
    people = {
        name: user_factory(username=name, email=f"{name}@example.org")
        for name in ("alice", "bob", "carol", "dave", "erin", "frank")
    }
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    enrol = Enrollment.objects.create
    task_a24 = Assignment.objects.create(cohort=a24, name="ps1", title="PS1")
    task_a25 = Assignment.objects.create(cohort=a25, name="ps1", title="PS1")

    passed = _pass(
        enrol(user=alice, cohort=a24, status=Status.ENROLLED), seoul(2024, 5, 1)
    )
    _certificate(alice, completion=passed)
    _pass(enrol(user=alice, cohort=b24, status=Status.ENROLLED), seoul(2024, 9, 1))
    _pass(enrol(user=bob, cohort=a25, status=Status.ENROLLED), seoul(2024, 12, 31, 15))
    camp = _pass(
        enrol(user=carol, cohort=b24, status=Status.ENROLLED),
        seoul(2024, 12, 1),
        source=Completion.Source.STAFF,
    )
    _certificate(carol, completion=camp, revoked=True)
    enrol(user=people["dave"], cohort=a24, status=Status.APPLIED)
    enrol(user=people["erin"], cohort=a24, status=Status.ENROLLED)
    enrol(user=people["frank"], cohort=a24, status=Status.WITHDRAWN)
    _submit(alice, task_a24)
    _submit(people["erin"], task_a24)
    _submit(bob, task_a25)
    _submit(bob, task_a25, attempt=2)  # a second attempt: still one person
    _lab(alice, bob, people["erin"])

    talent(alice, track, institution, seoul(2024, 6, 30))
    talent(alice, track_b, inst2, seoul(2025, 6, 1))
    talent(bob, track, institution, seoul(2025, 1, 1, 0, 30))
    carol_b = talent(carol, track_b, inst2, seoul(2024, 12, 31, 23, 30))
    _certificate(carol, track_completion=carol_b)
    talent(
        people["frank"],
        track,
        institution,
        seoul(2024, 4, 1),
        revoked_at=timezone.now(),
    )
    return types.SimpleNamespace(
        track_a=track,
        track_b=track_b,
        inst1=institution,
        inst2=inst2,
        programme=programme,
        cohorts={"a24": a24, "a25": a25, "b24": b24},
        **people,
    )
