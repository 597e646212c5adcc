"""The demo's cohorts: past ones with alumni who passed, running ones with
learners, a released notebook assignment."""

import datetime as dt
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.completion.services.evaluate import completion_cohort_evaluate
from courses.demo import data as demo_data
from courses.enrollment.cohorts import cohort_save
from courses.enrollment.models import Cohort, Enrollment, EnrollmentEvent
from courses.enrollment.services import enrollment_apply, enrollment_create
from courses.grading.models import Assignment, Submission
from courses.grading.services.assignments import assignment_save


def _cohorts(course, institution, spec, people, today) -> None:
    now = timezone.now()
    instructor = people["instructor@example.org"][0]
    plans = [
        # code suffix, window opens/closes (days from now), starts (days), length (days)
        ("past", -200, -150, -140, 60),
        ("now", -7, 21, 28, 60),
        ("next", 45, 80, 90, 60),
    ]
    for label, opens, closes, starts, length in plans:
        start = today + dt.timedelta(days=starts)
        cohort = Cohort(
            course=course,
            institution=institution,
            code=f"{start:%Y-%m}",
            starts_on=start,
            ends_on=start + dt.timedelta(days=length),
            enrollment_opens_at=now + dt.timedelta(days=opens),
            enrollment_closes_at=now + dt.timedelta(days=closes),
            seats=spec["seats"],
            mode=spec["mode"],
        )
        cohort = cohort_save(cohort=cohort, instructors=[instructor])
        if label == "past":
            _alumni(cohort, count=3)
        if label == "now":
            _current_learners(cohort, spec, people)


def _alumni(cohort: Cohort, *, count: int) -> None:
    """People who passed a past cohort by its rule (so the catalogue's counts
    and the pipeline's figures are real): the cohort has ended, each holds a
    graded final project above the pass mark, and the rule issued the rest
    (completion, certificates, track completion). ``completion_reevaluate``
    keeps every one of them."""
    User = get_user_model()
    project = _final_project(cohort)
    for n in range(count):
        handle = f"alum-{cohort.pk}-{n}"
        user, _ = User.objects.get_or_create(
            username=handle,
            defaults={"email": f"{handle}@example.org", "full_name": handle},
        )
        enrollment = Enrollment.objects.create(
            user=user, cohort=cohort, status=Enrollment.Status.ENROLLED
        )
        EnrollmentEvent.objects.create(
            enrollment=enrollment, to_status=Enrollment.Status.ENROLLED, note="demo"
        )
        _graded(project, user, score=demo_data.ALUMNI_SCORES[n % 3])
    completion_cohort_evaluate(cohort=cohort)


def _final_project(cohort: Cohort) -> Assignment:
    """A past cohort's only assignment, released and due within its dates."""
    start = timezone.make_aware(dt.datetime.combine(cohort.starts_on, dt.time(9)))
    return Assignment.objects.create(
        cohort=cohort,
        name="final",
        title="최종 프로젝트 · Final project",
        state=Assignment.State.READY,
        release_at=start,
        due_at=start + dt.timedelta(days=30),
        late_policy=Assignment.LatePolicy.REFUSE,
    )


def _graded(assignment: Assignment, user, *, score: int) -> Submission:
    """One graded attempt, as the grader leaves it (no kernel for demo data)."""
    submitted = assignment.due_at - dt.timedelta(days=2)
    return Submission.objects.create(
        assignment=assignment,
        user=user,
        attempt=1,
        submitted_at=submitted,
        source=Submission.Source.LAB,
        status=Submission.Status.GRADED,
        score=score,
        max_score=10,
        graded_at=submitted + dt.timedelta(minutes=1),
    )


DEMO_ASSIGNMENT = Path(__file__).resolve().parent / "assignments" / "warmup"


def _assignment(cohort: Cohort) -> None:
    """A released warm-up assignment; the worker checks it after start-up."""
    now = timezone.now()
    sources = {p.name: p.read_bytes() for p in DEMO_ASSIGNMENT.iterdir() if p.is_file()}
    assignment = Assignment(
        cohort=cohort,
        name="warmup",
        title="준비 운동 · Warm-up",
        instructions="데이터를 다루는 첫 연습입니다. A first exercise with data.",
        release_at=now,
        due_at=now + dt.timedelta(days=14),
    )
    assignment_save(assignment=assignment, sources=sources)


def _current_learners(cohort: Cohort, spec: dict, people: dict) -> None:
    learner = {n: people[f"learner{n}@example.org"][0] for n in (1, 2, 3)}
    if spec["code"] in ("ai-for-all", "medical-ai"):
        _assignment(cohort)
    if spec["code"] == "ai-for-all":
        enrollment_create(user=learner[1], cohort=cohort)
    if spec["code"] == "medical-ai":  # two seats: two take them, learner 2 waits
        enrollment_create(user=learner[1], cohort=cohort)
        enrollment_create(user=learner[3], cohort=cohort)
        enrollment_create(user=learner[2], cohort=cohort)
    if spec["code"] == "ml-foundations":
        enrollment_apply(
            user=learner[3],
            cohort=cohort,
            motivation="기계학습 연구자가 되고 싶습니다. I want to do research in ML.",
        )
