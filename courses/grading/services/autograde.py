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
import logging
from concurrent.futures import FIRST_COMPLETED, Future, wait

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.enrollment.signals import standing_change
from courses.grading.models import (
    Formgrader,
    Submission,
)
from courses.grading.selectors.assignments import submission_files
from courses.grading.services.lateness import late_penalty
from courses.grading.services.leases import (
    _lease,
    _lease_kept,
    _waiting_ids,
    retry_delay,
    submission_claim,
)
from courses.grading.services.scores import _points, score_totals, scores_replace
from courses.grading.services.workspace import (
    TIMESTAMP_FILE,
    grading_learner_course,
    grading_pool,
    limits_for,
)
from courses.jupyter import GradeResult, grade_submission

log = logging.getLogger(__name__)
Status = Submission.Status


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
        standing_change(
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


def formgrader_changed(*, cohort_id: int) -> None:
    """Something the formgrader shows changed in the LMS (a grading, a score
    by hand): the sweeper syncs that cohort's formgrader again."""
    Formgrader.objects.filter(cohort_id=cohort_id, lms_changed=False).update(
        lms_changed=True
    )


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


# Queueing and leases ---------------------------------------------------------


def grading_enqueue(*, submission_ids: list[int]) -> None:
    """Grade these once the current transaction commits."""
    if not settings.GRADING_ENABLED or not submission_ids:
        return

    ids = list(submission_ids)
    transaction.on_commit(lambda: grade_submissions.enqueue(ids))


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
        grade_submissions.enqueue(again)
    return {"failed": gave_up, "queued": len(again)}


def _enqueue_at(submission_id: int, when: dt.datetime) -> None:
    """Queue the retry for then, where the task backend can wait; the sweep
    hands it out otherwise."""
    if not settings.GRADING_ENABLED:
        return

    if grade_submissions.get_backend().supports_defer:
        grade_submissions.using(run_after=when).enqueue([submission_id])


@task()
def grade_submissions(submission_ids: list[int]) -> dict:

    return grading_run(submission_ids=submission_ids)
