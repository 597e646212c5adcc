"""Autograding: each submission graded once, in a task worker, by nbgrader in the
sandbox (courses.jupyter), its scores written to the LMS in one transaction.

Neither task backend recovers a job whose worker was killed (django-tasks-db
leaves it RUNNING, RQ marks it FAILED), so the submission carries its own lease:
a worker claims it (status "grading", a random token, ``lease_until``), renews
the lease while it grades, and writes the result only while it still holds the
token. A killed worker's lease runs out and ``grading_sweep`` (run by the sweep
command, and by every grading task when it finishes) hands the job out again;
after GRADING_MAX_TRIES interrupted runs it fails with the reason recorded.

A job that fails for a reason outside the learner's code (a locked database, a
kernel that would not start, a worker that was lost) is tried again after a
growing pause (``retry_at``); after GRADING_MAX_TRIES it is left for staff
with the reason (``grading_error``), and the learner reads that grading is
delayed, never the exception. A notebook that nbgrader cannot grade (broken,
too large) is the learner's: it waits for grading by hand, with notes saying
why. Each learner is graded in a course directory of their own
(courses.jupyter.learner_course): attempts never write one gradebook together.

A task grades more than the submission it was queued for: it keeps claiming
whatever waits, up to GRADING_CONCURRENCY notebooks at once in one process-wide
GradingPool whose lanes pre-start the next kernel. Tasks that find their
submission already taken end at once.
"""

import datetime as dt
import decimal
import hashlib
import logging
import math
import threading
import uuid
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.jupyter import (
    GRADED,
    GradeResult,
    GradingPool,
    SandboxLimits,
    course_prepare,
    grade_submission,
    learner_course,
)
from courses.models import (
    Assignment,
    AssignmentFile,
    Formgrader,
    Submission,
    SubmissionScore,
)
from courses.selectors.assignments import source_files, submission_files

from .completion import completion_evaluate_later

log = logging.getLogger(__name__)
Status = Submission.Status
TIMESTAMP_FILE = "timestamp.txt"  # nbgrader's record of when it was submitted


# Lateness ------------------------------------------------------------------


def late_by(due: dt.datetime | None, moment: dt.datetime) -> dt.timedelta:
    if due is None or moment <= due:
        return dt.timedelta(0)
    return moment - due


def late_penalty(assignment: Assignment, late: dt.timedelta) -> decimal.Decimal:
    """Per started day of lateness, up to the cap (percent of the score)."""
    if (
        late <= dt.timedelta(0)
        or assignment.late_policy != Assignment.LatePolicy.PENALTY
    ):
        return decimal.Decimal(0)
    days = math.ceil(late / dt.timedelta(days=1))
    return min(assignment.penalty_per_day * days, assignment.penalty_cap)


# Queueing and leases ---------------------------------------------------------


def grading_enqueue(*, submission_ids: list[int]) -> None:
    """Grade these once the current transaction commits."""
    if not settings.GRADING_ENABLED or not submission_ids:
        return
    # deferred: services ↔ tasks cycle until the slices land (issue 17)
    from courses.tasks import grade_submissions

    ids = list(submission_ids)
    transaction.on_commit(lambda: grade_submissions.enqueue(ids))


def _claimable(now: dt.datetime) -> Q:
    expired = Q(status=Status.GRADING, lease_until__lt=now)
    due = Q(retry_at__isnull=True) | Q(retry_at__lte=now)
    return ((Q(status=Status.RECEIVED) & due) | expired) & Q(
        grading_tries__lt=settings.GRADING_MAX_TRIES
    )


def retry_delay(tries: int) -> dt.timedelta:
    """The pause before try ``tries + 1``: doubling from GRADING_RETRY_SECONDS."""
    return dt.timedelta(seconds=settings.GRADING_RETRY_SECONDS * 2 ** max(tries - 1, 0))


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.GRADING_LEASE_SECONDS)


def submission_claim(*, submission_id: int) -> str | None:
    """Take the job if nobody holds it; the lease token, or None."""
    now, token = timezone.now(), uuid.uuid4().hex
    taken = Submission.objects.filter(_claimable(now), pk=submission_id).update(
        status=Status.GRADING,
        lease_token=token,
        lease_until=now + _lease(),
        grading_tries=F("grading_tries") + 1,
    )
    return token if taken else None


def _waiting_ids(limit: int) -> list[int]:
    return list(
        Submission.objects.filter(_claimable(timezone.now()))
        .order_by("submitted_at")
        .values_list("pk", flat=True)[:limit]
    )


def grading_sweep() -> dict[str, int]:
    """Fail jobs interrupted too often; queue those whose lease ran out or whose
    task was lost (received long ago, never claimed)."""
    now = timezone.now()
    gave_up = Submission.objects.filter(
        status=Status.GRADING,
        lease_until__lt=now,
        grading_tries__gte=settings.GRADING_MAX_TRIES,
    ).update(
        status=Status.FAILED,
        lease_token="",
        lease_until=None,
        grading_error=_(
            "Grading was interrupted %(n)d times (the worker stopped or the "
            "notebook ran out of time); an instructor can grade it again."
        )
        % {"n": settings.GRADING_MAX_TRIES},
    )
    waited = Q(retry_at__isnull=True, submitted_at__lt=now - _lease()) | Q(
        retry_at__lte=now
    )
    stale = Q(status=Status.GRADING, lease_until__lt=now) | (
        Q(status=Status.RECEIVED) & waited
    )
    again = list(
        Submission.objects.filter(stale)
        .filter(grading_tries__lt=settings.GRADING_MAX_TRIES)
        .values_list("pk", flat=True)
    )
    if again and settings.GRADING_ENABLED:
        # deferred: services ↔ tasks cycle until the slices land (issue 17)
        from courses.tasks import grade_submissions

        grade_submissions.enqueue(again)
    return {"failed": gave_up, "queued": len(again)}


@contextmanager
def _lease_kept(submission_id: int, token: str):
    """Renew the lease while the block runs, so only a dead worker loses it."""
    done = threading.Event()

    def renew() -> None:
        try:
            while not done.wait(settings.GRADING_LEASE_SECONDS / 3):
                Submission.objects.filter(pk=submission_id, lease_token=token).update(
                    lease_until=timezone.now() + _lease()
                )
        except Exception:  # noqa: BLE001 - a lost renewal only risks a regrade
            log.warning("Could not renew the grading lease of %s", submission_id)
        finally:
            connection.close()

    thread = threading.Thread(target=renew, name=f"lease-{submission_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


# Grading ---------------------------------------------------------------------

_pool_lock = threading.Lock()
_pool: GradingPool | None = None


def grading_pool() -> GradingPool:
    """This process's pool: its lanes keep the next kernels booting."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = GradingPool(concurrency=settings.GRADING_CONCURRENCY)
        return _pool


@contextmanager
def grading_learner_course(assignment: Assignment, student: str, *, wait: bool = True):
    """The learner's own nbgrader course for this assignment, held for the
    block (BlockingIOError without ``wait`` while a job holds it)."""
    shared = grading_course(assignment)
    with learner_course(shared, student, wait=wait) as course:
        yield course


def course_root(assignment: Assignment) -> Path:
    return Path(settings.GRADING_DIR) / assignment.cohort.lab_course_id


def _sources_version(assignment: Assignment) -> str:
    rows = assignment.files.filter(kind=AssignmentFile.Kind.SOURCE).values_list(
        "path", "sha256"
    )
    return hashlib.sha256(repr(sorted(rows)).encode()).hexdigest()


def grading_course(assignment: Assignment):
    """The cohort's nbgrader course, with this assignment at its current sources."""
    return course_prepare(
        root=course_root(assignment),
        course_id=assignment.cohort.lab_course_id,
        assignment=assignment.name,
        sources=lambda: source_files(assignment=assignment),
        version=_sources_version(assignment),
    )


def limits_for(assignment: Assignment) -> SandboxLimits:
    return SandboxLimits(timeout_per_cell=assignment.timeout_per_cell)


def _grade(*, submission_id: int, token: str, sandbox=None, lane=None) -> str:
    """Grade one claimed submission in this thread (the pool lends its kernel
    lane); the outcome's name."""
    close_old_connections()  # the database may have restarted since the last job
    try:
        submission = Submission.objects.select_related(
            "assignment__cohort", "user"
        ).get(pk=submission_id)
        assignment = submission.assignment
        student = submission.user.username
        with (
            _lease_kept(submission_id, token),
            grading_learner_course(assignment, student) as course,
        ):
            files = submission_files(submission=submission)
            files[TIMESTAMP_FILE] = submission.nbgrader_timestamp.encode()
            result = grade_submission(
                course=course,
                assignment=assignment.name,
                student=student,
                files=files,
                limits=limits_for(assignment),
                sandbox=sandbox,
                lane=lane,
                feedback=False,
            )
        return _record(submission_id, token, result)
    except Exception as error:  # noqa: BLE001 - recorded, and the worker goes on
        log.exception("Grading submission %s failed", submission_id)
        return _record_crash(submission_id, token, error)
    finally:
        connection.close()


def _record(submission_id: int, token: str, result: GradeResult) -> str:
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("assignment")
            .filter(pk=submission_id, lease_token=token)
            .first()
        )
        if submission is None:
            return "superseded"  # a regrade or another worker owns it now
        kept_by_hand = scores_replace(submission, result)
        if result.could_not_grade:
            # nbgrader leaves such a notebook to a person, with no score yet
            # (never zero points): so does the LMS, with notes saying why.
            submission.status = Status.MANUAL
            submission.score = None
            submission.max_score = _points(result.max_score)
        else:
            submission.status = (
                Status.MANUAL if result.needs_manual_grade else Status.GRADED
            )
            submission.score = _points(result.score)
            submission.max_score = _points(result.max_score)
            if kept_by_hand:
                score_totals(submission)
        submission.grading_error = "\n".join(result.errors)[:10_000]
        submission.grading_notes = list(result.notes)
        submission.penalty = late_penalty(submission.assignment, submission.late_by)
        submission.graded_at = timezone.now()
        submission.grading_seconds = result.seconds
        submission.lease_token, submission.lease_until = "", None
        submission.retry_at = None
        submission.formgrader_timestamp = ""  # its new scores go to the formgrader
        submission.save()
        formgrader_changed(cohort_id=submission.assignment.cohort_id)
        completion_evaluate_later(
            cohort_id=submission.assignment.cohort_id, user_id=submission.user_id
        )
    return submission.status


def _record_crash(submission_id: int, token: str, error: Exception) -> str:
    """Give the job back for another try after a pause, or leave it for staff
    once tries run out. The reason is for staff; learners read "delayed"."""
    try:
        close_old_connections()
        reason = f"{type(error).__name__}: {error}"[:2000]
        mine = Submission.objects.filter(pk=submission_id, lease_token=token)
        released = {"lease_token": "", "lease_until": None, "grading_error": reason}
        final = mine.filter(grading_tries__gte=settings.GRADING_MAX_TRIES)
        if final.update(status=Status.FAILED, retry_at=None, **released):
            return Status.FAILED
        tries = mine.values_list("grading_tries", flat=True).first()
        if tries is None:
            return "superseded"
        retry_at = timezone.now() + retry_delay(tries)
        if mine.update(status=Status.RECEIVED, retry_at=retry_at, **released):
            _enqueue_at(submission_id, retry_at)
        return "retry"
    except Exception:  # noqa: BLE001 - the lease runs out and the sweep retries
        log.exception("Could not record the failure of %s", submission_id)
        return "lost"


def _enqueue_at(submission_id: int, when: dt.datetime) -> None:
    """Queue the retry for then, where the task backend can wait; the sweep
    hands it out otherwise."""
    if not settings.GRADING_ENABLED:
        return
    # deferred: services ↔ tasks cycle until the slices land (issue 17)
    from courses.tasks import grade_submissions

    if grade_submissions.get_backend().supports_defer:
        grade_submissions.using(run_after=when).enqueue([submission_id])


def _points(value: float) -> decimal.Decimal:
    return decimal.Decimal(str(round(value, 2)))


def formgrader_changed(*, cohort_id: int) -> None:
    """Something the formgrader shows changed in the LMS (a grading, a score
    by hand): the sweeper syncs that cohort's formgrader again."""
    Formgrader.objects.filter(cohort_id=cohort_id, lms_changed=False).update(
        lms_changed=True
    )


def scores_replace(submission: Submission, result: GradeResult) -> bool:
    """The new automatic scores; a score given by hand to a cell that still
    asks for one is kept (regrading after a fixed test keeps the grader's
    work). True if any was kept."""
    earlier = SubmissionScore.objects.filter(
        submission=submission, manual_score__isnull=False
    ).values_list("notebook", "cell", "manual_score", "formgrader_base")
    by_hand = {(notebook, cell): points for notebook, cell, points, _ in earlier}
    synced = {(notebook, cell): base for notebook, cell, _, base in earlier}
    SubmissionScore.objects.filter(submission=submission).delete()
    rows = []
    for notebook in result.notebooks:
        for cell in notebook.cells:
            kept = by_hand.get((notebook.name, cell.name)) if (
                notebook.status == GRADED and cell.needs_manual_grade
            ) else None  # fmt: skip
            rows.append(
                SubmissionScore(
                    submission=submission,
                    notebook=notebook.name,
                    cell=cell.name,
                    cell_type=cell.cell_type,
                    score=kept if kept is not None else _maybe(cell.score),
                    max_score=_points(cell.max_score),
                    auto_score=_maybe(cell.auto_score),
                    manual_score=kept,
                    needs_manual_grade=cell.needs_manual_grade and kept is None,
                    failed_tests=cell.failed_tests,
                    formgrader_base=synced.get((notebook.name, cell.name))
                    if kept is not None
                    else None,
                )
            )
    SubmissionScore.objects.bulk_create(rows)
    return any(row.manual_score is not None for row in rows)


def _maybe(value: float | None) -> decimal.Decimal | None:
    return None if value is None else _points(value)


def score_totals(submission: Submission) -> None:
    """The submission's score and state from its question scores."""
    rows = list(submission.scores.all())
    submission.score = sum((r.score or 0 for r in rows), decimal.Decimal(0))
    if any(r.needs_manual_grade for r in rows):
        submission.status = Status.MANUAL
    elif submission.status == Status.MANUAL:
        submission.status = Status.GRADED


def grading_run(*, submission_ids: list[int]) -> dict[str, int]:
    """Grade these submissions and whatever else waits, several at once.

    A database that goes away meanwhile (a restart) stops the claiming, not
    the worker: jobs already running finish or lose their lease, and the sweep
    hands out the rest again."""
    pool = grading_pool()
    width = settings.GRADING_CONCURRENCY
    queue = list(submission_ids)
    running: set[Future] = set()
    outcomes: dict[str, int] = {}
    claiming = True
    while True:
        while claiming and len(running) < width:
            try:
                if not queue:
                    queue = _waiting_ids(width * 2)
                    if not queue:
                        break
                submission_id = queue.pop(0)
                token = submission_claim(submission_id=submission_id)
            except DatabaseError:
                log.warning("Database unavailable: no more grading jobs claimed")
                claiming = False
                break
            if token:
                job = {"submission_id": submission_id, "token": token}
                running.add(pool.submit(_grade, **job))
        if not running:
            break
        done, running = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            outcome = future.result()
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    try:
        close_old_connections()  # a broken connection is replaced, not reused
        grading_sweep()
    except DatabaseError:
        connection.close()  # the task backend reconnects to record the task
    return outcomes
