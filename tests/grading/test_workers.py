"""Grading through real task workers: django-tasks-db's ``db_worker`` (the
embedded default) and RQ's worker on Redis (scale-out), each a separate process
on the test database. A worker killed with SIGKILL mid-job, and the database
connections cut during a batch: nothing is lost and each is graded once."""

import os
import signal
import time
from pathlib import Path

import pytest
from django.db import connection

from courses.grading.models import Submission
from courses.grading.services.autograde import grading_sweep
from tests.grading.fixtures import LEASE_S, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore:Object of type <Submitted"),
    pytest.mark.timeout(300),
    pytest.mark.parametrize("backend", ["db", "rq"], indirect=True),
]
LOOPS = "import time\nwhile True:\n    time.sleep(0.1)"


def kill_tree(pid: int) -> None:
    """SIGKILL a process and every descendant, as a machine losing it would."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    doomed, todo = [], [pid]
    while todo:
        current = todo.pop()
        doomed.append(current)
        todo += children.get(current, [])
    for victim in doomed:
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            pass


def states(ids) -> list[str]:
    return list(
        Submission.objects.filter(pk__in=ids)
        .order_by("pk")
        .values_list("status", flat=True)
    )


def queue(submissions) -> None:
    from courses.grading.services.autograde import grade_submissions

    grade_submissions.enqueue([s.pk for s in submissions])


def test_a_worker_grades_what_is_queued(worker, submit, answer):
    submissions = [submit(answer(), grade=False) for _ in range(3)]
    worker()
    queue(submissions)
    wait_for(lambda: states([s.pk for s in submissions]) == ["graded"] * 3, "grades")
    assert all(s.grading_tries == 1 for s in Submission.objects.all())


def test_a_worker_killed_mid_job_loses_nothing_and_grades_each_once(
    worker, submit, answer, cohort_enrol
):
    slow = submit(answer(before=[LOOPS] * 5), grade=False)  # 5 cells x 3 s limit
    quick = [submit(answer(), grade=False) for _ in range(2)]
    first = worker()
    queue([slow])
    wait_for(
        lambda: Submission.objects.filter(pk=slow.pk, status="grading").exists(),
        "the first worker to take the job",
    )
    kill_tree(first.pid)  # the worker, RQ's work-horse (own session), kernels
    first.wait()
    queue(quick)
    worker()
    time.sleep(LEASE_S + 1)  # the dead worker's lease runs out ...
    grading_sweep()  # ... and the sweep queues the job again
    ids = [slow.pk, *(s.pk for s in quick)]
    wait_for(
        lambda: set(states(ids)) <= {"graded"} and len(states(ids)) == 3,
        "every submission graded",
    )
    slow.refresh_from_db()
    assert slow.grading_tries == 2 and slow.score == 4
    # Graded once: one set of question scores each, no lease left behind.
    for submission in Submission.objects.filter(pk__in=ids):
        assert submission.scores.count() == 3
        assert not submission.lease_token


def test_database_connections_cut_during_a_batch_lose_nothing(worker, submit, answer):
    if connection.vendor != "postgresql":
        pytest.skip(reason="Cutting connections needs PostgreSQL (CI has it).")
    submissions = [submit(answer(before=[LOOPS]), grade=False) for _ in range(4)]
    worker()
    queue(submissions)
    wait_for(
        lambda: Submission.objects.filter(status="grading").exists(), "a job running"
    )
    with connection.cursor() as cursor:  # what a database restart does to clients
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    ids = [s.pk for s in submissions]
    last_sweep = [0.0]

    def swept_and_graded() -> bool:
        # As the sweeper service does (every few seconds here): a job whose run
        # the cut broke waits for its retry or its lease, then is handed out.
        if time.monotonic() - last_sweep[0] > 3:
            grading_sweep()
            last_sweep[0] = time.monotonic()
        return states(ids) == ["graded"] * 4

    wait_for(swept_and_graded, "every submission graded", 180)
    for submission in Submission.objects.filter(pk__in=ids):
        assert submission.scores.count() == 3 and submission.score == 4


def test_the_worker_process_sees_none_of_the_lms_secrets_in_graded_code(
    worker, submit, answer
):
    # In an answer cell: if anything leaked, mean() is never defined and its
    # test loses its point.
    spy = (
        "import os\nleaked = sorted(k for k in os.environ if 'SECRET' in k "
        "or 'DATABASE' in k or 'TOKEN' in k or 'REDIS' in k or 'KEY' in k)\n"
        "assert leaked == [], leaked\n"
        "def mean(xs):\n    return sum(xs) / len(xs)"
    )
    submission = submit(answer(mean=spy), grade=False)
    worker()
    queue([submission])
    wait_for(lambda: states([submission.pk]) == ["graded"], "grading")
    submission.refresh_from_db()
    assert submission.score == 4
