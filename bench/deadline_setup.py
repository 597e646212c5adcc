"""The deadline bench's data (in the bench's process, Django set up): a cohort
whose learners are signed in to the LMS and hold hub tokens, their notebooks;
and afterwards what the database says of each submission.

The learners' mix, by kind: most answer right; some fail tests (a wrong
``squares`` or ``mean``), raise in an answer, loop forever in ``mean`` (stopped
by the cell time limit); some send a malformed notebook first (cut short: not
JSON), are refused, and send the right one.
"""

import datetime as dt
from collections import Counter
from importlib import import_module
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tests" / "jupyter" / "fixtures" / "source" / "ps1"
ASSIGNMENT = "ps1"
WRONG_SQUARES = "def squares(n):\n    return [i for i in range(1, n + 1)]\n"
WRONG_MEAN = "def mean(xs):\n    return sum(xs) / (len(xs) + 1)\n"
# kind -> (answers replacing the solutions by grade id, expected score of 4)
KINDS = {
    "right": ({}, 4),
    "wrong squares": ({"squares": WRONG_SQUARES}, 2),
    "wrong mean": ({"mean": WRONG_MEAN}, 3),
    "raises": ({"squares": 'raise ValueError("not done yet")\n'}, 2),
    "loops": ({"mean": "while True:\n    pass\n"}, 3),
    "malformed": ({}, 4),  # then sent right
}
# Every twentieth learner alike; the first six hold one of each kind.
PATTERN = [
    "right", "loops", "wrong squares", "malformed", "raises", "wrong mean",
    *["right"] * 9, "wrong squares", "right", "loops", "right", "wrong mean",
]  # fmt: skip


def kind_of(n: int) -> str:
    return PATTERN[n % len(PATTERN)]


def catalogue_track():
    from wagtail.models import Page

    from tests.factories import CataloguePageFactory, TrackPageFactory

    catalogue = CataloguePageFactory(parent=Page.get_first_root_node(), slug="bench")
    return TrackPageFactory(parent=catalogue)


def assignment_create(track, *, seats: int, cell_timeout: int):
    """ps1 released in a new cohort, due in two hours."""
    from django.utils import timezone

    from courses.grading.models import Assignment
    from courses.grading.services.assignments import assignment_release, assignment_save
    from tests.factories import CohortFactory

    cohort = CohortFactory(seats=seats, course__parent=track)
    assignment = Assignment(
        cohort=cohort,
        name=ASSIGNMENT,
        title="Problem set 1",
        timeout_per_cell=cell_timeout,
        due_at=timezone.now() + dt.timedelta(hours=2),
    )
    sources = {p.name: p.read_bytes() for p in SOURCE.iterdir() if p.is_file()}
    assignment_save(assignment=assignment, sources=sources)
    assignment.refresh_from_db()
    if assignment.state != Assignment.State.READY:
        raise SystemExit(f"The assignment is not ready: {assignment.problems}")
    return assignment_release(assignment=assignment)


def learners_create(assignment, names: list[str], password_hash: str) -> list:
    """Enrolled learners with a verified address (one password hash for all:
    hashing hundreds of passwords would only slow the set-up)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from courses.enrollment.services import enrollment_create

    people = []
    for name in names:
        person = get_user_model().objects.create(
            username=name,
            email=f"{name}@example.org",
            full_name=name.replace("-", " ").title(),
            affiliation="Bench University",
            password=password_hash,
        )
        EmailAddress.objects.create(
            user=person, email=person.email, verified=True, primary=True
        )
        enrollment_create(user=person, cohort=assignment.cohort)
        people.append(person)
    return people


def session_cookie(person) -> str:
    """A signed-in session of ``person``, as after signing in with a browser."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(person.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = person.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def page_path(assignment, person) -> str:
    from django.urls import reverse
    from django.utils import translation

    with translation.override(person.language or "en"):
        return reverse("courses:assignment", args=[assignment.pk])


def notebooks(assignment, names: list[str], folder: Path) -> list[dict]:
    """Each learner's files (the released notebook answered as its kind says)
    and, for a malformed one, its notebook cut short."""
    release = assignment.files.get(kind="release", path=f"{ASSIGNMENT}.ipynb")
    with release.file.open("rb") as handle:
        released = handle.read().decode()
    solutions = {
        cell.metadata.nbgrader.grade_id: cell.source
        for cell in nbformat.read(SOURCE / f"{ASSIGNMENT}.ipynb", as_version=4).cells
    }
    data = folder / "numbers.txt"
    data.write_bytes((SOURCE / "numbers.txt").read_bytes())
    made = []
    for n, name in enumerate(names):
        kind = kind_of(n)
        nb = nbformat.reads(released, as_version=4)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution"):
                cell.source = KINDS[kind][0].get(
                    meta["grade_id"], solutions[meta["grade_id"]]
                )
        nb.metadata["lms_bench_learner"] = name  # each notebook its own bytes
        body = nbformat.writes(nb).encode()
        path = folder / f"{name}.ipynb"
        path.write_bytes(body)
        broken = None
        if kind == "malformed":
            broken = folder / f"{name}-broken.ipynb"
            broken.write_bytes(body[: len(body) // 2])
        made.append({
            "kind": kind,
            "files": {f"{ASSIGNMENT}.ipynb": str(path), "numbers.txt": str(data)},
            "broken": str(broken) if broken else None,
        })  # fmt: skip
    return made


def gradings(ids: list[int]) -> Counter:
    """Per submission, how many times a grading result was written: the audit
    trail keeps every save of a submission that set ``graded_at``."""
    from auditlog.models import LogEntry

    from courses.grading.models import Submission

    counts: Counter = Counter()
    entries = LogEntry.objects.get_for_model(Submission).filter(object_id__in=ids)
    for entry in entries.iterator():
        change = entry.changes_dict.get("graded_at")
        if change and change[1] not in (None, "None"):
            counts[int(entry.object_id)] += 1
    return counts


def submissions_state(assignment) -> dict:
    """What the database says once the run is over."""
    from courses.grading.models import Submission

    rows = list(
        Submission.objects.filter(assignment=assignment).values(
            "pk", "status", "grading_tries", "submitted_at", "graded_at",
            "user__username", "attempt",
        )
    )  # fmt: skip
    return {
        "rows": rows,
        "statuses": Counter(r["status"] for r in rows),
        "gradings": gradings([r["pk"] for r in rows]),
    }


def tasks_recorded(since) -> Counter:
    """The outcomes the finished grading tasks returned (a cross-check: a task
    whose worker was killed returns none)."""
    from django_tasks_db.models import DBTaskResult

    outcomes: Counter = Counter()
    done = DBTaskResult.objects.filter(
        task_path="courses.grading.services.autograde.grade_submissions",
        status="SUCCESSFUL",
        enqueued_at__gte=since,
    )
    for value in done.values_list("return_value", flat=True):
        outcomes.update(value or {})
    return outcomes
