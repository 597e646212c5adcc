"""Drives a running LMS (started by scripts/run.py) from outside, as its staff
and a learner would, for tests/lab/test_beside_running.py:

    python -m tests.lab.running <command> [argument]   (the system's environment)

``setup <course id>``: a cohort of the demo's course with that lab course id
(the test run's name: its formgrader account is the test's), the demo's
instructor teaching it, ps1 (tests/jupyter/fixtures/source) and learner 1;
prints the assignment's id. ``release <assignment>``: released once the
worker checked it; prints its state. ``submit <assignment>``: learner 1's
attempt; prints its id. ``status <submission>``. ``open <assignment>``: opens
the cohort's formgrader as its instructor; prints the state, and the HTTP
status its server answers the LMS once ready.
Each prints one JSON line.
"""

import json
import sys
from pathlib import Path

import django

SOURCE = Path(__file__).parents[1] / "jupyter" / "fixtures" / "source" / "ps1"


def _people():
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return (
        User.objects.get(email="instructor@example.org"),
        User.objects.get(email="learner1@example.org"),
    )


def setup(course_id: str) -> dict:
    import datetime as dt

    from django.utils import timezone

    from courses.enrollment.cohorts import cohort_save
    from courses.enrollment.models import Cohort
    from courses.enrollment.services import enrollment_create
    from courses.grading.models import Assignment
    from courses.grading.services.assignments import assignment_save

    instructor, learner = _people()
    model = Cohort.objects.filter(instructors=instructor).latest("starts_on")
    now, day = timezone.now(), dt.timedelta(days=1)
    cohort = Cohort(  # open now, like tests/factories.py's
        course=model.course,
        institution=model.institution,
        code=course_id[-20:],
        starts_on=timezone.localdate() + 20 * day,
        ends_on=timezone.localdate() + 80 * day,
        enrollment_opens_at=now - day,
        enrollment_closes_at=now + 10 * day,
        seats=10,
        mode=Cohort.Mode.OPEN,
    )
    cohort = cohort_save(cohort=cohort, instructors=[instructor])
    Cohort.objects.filter(pk=cohort.pk).update(lab_course_id=course_id)
    cohort.refresh_from_db()
    enrollment_create(user=learner, cohort=cohort)
    sources = {p.name: p.read_bytes() for p in SOURCE.iterdir() if p.is_file()}
    assignment = Assignment(cohort=cohort, name="ps1", title="Problem set 1")
    assignment_save(assignment=assignment, sources=sources)
    return {"assignment": assignment.pk}


def release(pk: str) -> dict:
    from courses.grading.models import Assignment
    from courses.grading.services.assignments import assignment_release

    assignment = Assignment.objects.get(pk=pk)
    if assignment.state == Assignment.State.READY and not assignment.release_at:
        assignment = assignment_release(assignment=assignment)
    return {"state": assignment.state, "released": bool(assignment.release_at)}


def submit(pk: str) -> dict:
    from courses.grading.models import Assignment, Submission
    from courses.grading.services.submissions import submission_create

    assignment = Assignment.objects.get(pk=pk)
    release = assignment.files.get(kind="release", path="ps1.ipynb")
    with release.file.open("rb") as handle:
        notebook = handle.read()
    outcome = submission_create(
        user=_people()[1],
        assignment=assignment,
        files={"ps1.ipynb": notebook, "numbers.txt": b"1\n2\n3\n4\n5\n"},
        source=Submission.Source.UPLOAD,
    )
    return {"submission": outcome.submission.pk}


def status(pk: str) -> dict:
    from courses.grading.models import Submission

    return {"status": Submission.objects.get(pk=pk).status}


def open_formgrader(pk: str) -> dict:
    import requests
    from django.conf import settings

    from courses.grading.models import Assignment
    from courses.grading.services.formgrader import formgrader_open, formgrader_user

    cohort = Assignment.objects.get(pk=pk).cohort
    state = formgrader_open(cohort=cohort, user=_people()[0])
    answer = {"ready": state.ready, "message": str(state.message)}
    if state.ready:
        response = requests.get(
            f"{settings.HUB_URL}/user/{formgrader_user(cohort)}/api/status",
            headers={"Authorization": f"token {settings.HUB_API_TOKEN}"},
            allow_redirects=False,
            timeout=10,
        )
        answer["answers"] = response.status_code
    return answer


COMMANDS = {
    "setup": setup,
    "release": release,
    "submit": submit,
    "status": status,
    "open": open_formgrader,
}

if __name__ == "__main__":
    django.setup()
    sys.stdout.write(json.dumps(COMMANDS[sys.argv[1]](sys.argv[2])) + "\n")
