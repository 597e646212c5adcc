"""Scores by hand between the formgrader and the LMS, both ways."""

import decimal
import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.enrollment.models import Cohort
from courses.enrollment.signals import standing_change
from courses.grading.models import Formgrader, Submission, SubmissionScore
from courses.grading.selectors.assignments import source_files
from courses.grading.selectors.gradebook import counted_submissions
from courses.grading.services.formgrader_shares import (
    formgrader_shares_sync,
    formgrader_user,
)
from courses.grading.services.scores import score_totals
from courses.grading.services.workspace import grading_course, grading_learner_course
from courses.jupyter import (
    FormgraderError,
    HubError,
    HubUnavailable,
    assignment_structure,
    autograded_files,
    encoded_files,
    file_lock,
    formgrader_dump,
    formgrader_load,
    gradebook_mark,
    names,
    submission_timestamp,
)
from courses.lab.services import hub_client

log = logging.getLogger(__name__)
Status = Submission.Status
PULLED = ("manual_score", "score", "needs_manual_grade", "formgrader_base")


COMMENT_MAX = 10_000


def _decimal(value) -> decimal.Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return decimal.Decimal(str(round(float(value), 2)))
    except (TypeError, ValueError, decimal.InvalidOperation):
        return None


def _pull(submission: Submission, held: dict, rows: dict) -> bool:
    """Take the scores given by hand in the formgrader since the last sync."""
    changed = False
    for grade in held.get("grades") or []:
        if not isinstance(grade, dict):
            continue
        row = rows.get((grade.get("notebook"), grade.get("cell")))
        points = _decimal(grade.get("manual_score"))
        if row is None or points is None or points == row.formgrader_base:
            continue
        if not 0 <= points <= row.max_score:
            log.warning("formgrader score %s out of range for %s", points, row)
            continue
        if points == row.manual_score and not row.needs_manual_grade:
            row.formgrader_base = points  # the same score on both sides
            row.save(update_fields=["formgrader_base"])
            continue
        row.manual_score = row.score = row.formgrader_base = points
        row.needs_manual_grade = False
        row.save(update_fields=[*PULLED])
        changed = True
    if changed:
        score_totals(submission)
        submission.save(update_fields=["score", "status"])
        standing_change(
            cohort_id=submission.assignment.cohort_id, user_id=submission.user_id
        )
    return changed


def _pull_comments(submission: Submission, held: dict) -> None:
    comments = {
        f"{c['notebook']}/{c['cell']}": c["comment"][:COMMENT_MAX]
        for c in held.get("comments") or []
        if isinstance(c, dict)
        and all(isinstance(c.get(k), str) for k in ("notebook", "cell", "comment"))
    }
    if comments != submission.grader_comments:
        submission.grader_comments = comments
        submission.save(update_fields=["grader_comments"])


def _in_step(submission: Submission, held: dict | None, rows: dict) -> bool:
    if held is None or submission.formgrader_timestamp != submission.nbgrader_timestamp:
        return False
    if held.get("timestamp") != submission.nbgrader_timestamp:
        return False
    theirs = {
        (g.get("notebook"), g.get("cell")): _decimal(g.get("manual_score"))
        for g in held.get("grades") or []
        if isinstance(g, dict)
    }
    return all(theirs.get(key) == row.manual_score for key, row in rows.items())


def _grades(rows: dict) -> list[dict]:
    return [
        {
            "notebook": row.notebook,
            "cell": row.cell,
            "auto_score": None if row.auto_score is None else float(row.auto_score),
            "manual_score": None
            if row.manual_score is None
            else float(row.manual_score),
            "needs_manual_grade": row.needs_manual_grade,
        }
        for row in rows.values()
    ]


def formgrader_sync(*, cohort: Cohort) -> dict[str, int]:
    """Scores by hand from the formgrader into the LMS, then graded attempts the
    formgrader lacks (or holds with other scores) into it."""
    record, _created = Formgrader.objects.get_or_create(cohort=cohort)
    course_id = cohort.lab_course_id
    try:
        # Workers and the sweeper may sync the same cohort: one at a time.
        lock = Path(settings.GRADING_DIR) / f".formgrader-{cohort.pk}.lock"
        with file_lock(lock):
            # Cleared first: a change made while this runs asks for another.
            Formgrader.objects.filter(pk=record.pk).update(lms_changed=False)
            mark = gradebook_mark(course_id)
            counts = _sync(cohort, course_id)
    except (FormgraderError, OSError) as error:
        reason = _("The formgrader's course could not be written: %(error)s") % {
            "error": error
        }
        Formgrader.objects.filter(pk=record.pk).update(
            sync_error=reason[:2000], lms_changed=True
        )
        raise
    Formgrader.objects.filter(pk=record.pk).update(
        synced_at=timezone.now(),
        sync_error="",
        # After writing the gradebook itself, one more look (a grader may have
        # saved meanwhile): its mark from before is no longer the file's.
        gradebook_mark="" if counts["pushed"] else mark,
    )
    try:
        formgrader_shares_sync(cohort=cohort)
    except (HubUnavailable, HubError) as error:
        log.warning("formgrader shares of %s not synced: %s", cohort, error)
    return counts


def _sync(cohort: Cohort, course_id: str) -> dict[str, int]:
    dump = formgrader_dump(course_id)
    held = {(s.get("assignment"), s.get("student")): s for s in dump["submissions"]}
    request: dict[str, list] = {"assignments": [], "students": [], "submissions": []}
    pulled, pushed = 0, []
    for assignment in cohort.assignments.order_by("name"):
        ready = [
            s
            for s in counted_submissions(assignment=assignment)
            if s.status in (Status.GRADED, Status.MANUAL)
        ]
        outdated = []
        for submission in ready:
            theirs = held.get((assignment.name, submission.user.username))
            rows, taken = _pull_submission(submission, theirs)
            pulled += taken
            if not _in_step(submission, theirs, rows):
                outdated.append((submission, rows))
        pushed += _to_push(assignment, outdated, request)
    if pushed or not dump["prepared"]:
        formgrader_load(course_id, request)
        for submission, rows in pushed:
            Submission.objects.filter(pk=submission.pk).update(
                formgrader_timestamp=submission.nbgrader_timestamp
            )
            for row in rows.values():
                SubmissionScore.objects.filter(pk=row.pk).update(
                    formgrader_base=row.manual_score
                )
    return {"pulled": pulled, "pushed": len(pushed)}


@transaction.atomic
def _pull_submission(submission: Submission, theirs: dict | None):
    """The attempt's question scores, after taking what the formgrader holds
    for this same attempt; and whether anything was taken."""
    rows = {
        (r.notebook, r.cell): r
        for r in SubmissionScore.objects.select_for_update(of=("self",)).filter(
            submission=submission
        )
    }
    if not theirs or theirs.get("timestamp") != submission.nbgrader_timestamp:
        return rows, False
    _pull_comments(submission, theirs)
    return rows, _pull(submission, theirs, rows)


def _to_push(assignment, outdated: list, request: dict) -> list:
    """Add these attempts (and their assignment) to the formgrader request;
    those whose autograded notebooks the learner's grading course holds."""
    if not outdated:
        return []
    pushed = []
    for submission, rows in outdated:
        user = submission.user
        try:
            with grading_learner_course(
                assignment, user.username, wait=False
            ) as course:
                held = submission_timestamp(course, assignment.name, user.username)
                if held != submission.nbgrader_timestamp:
                    log.info("%s: the worker holds another attempt", submission)
                    continue
                files = autograded_files(course, assignment.name, user.username)
        except BlockingIOError:
            continue  # being graded: its recording asks for another sync
        request["submissions"].append(
            {
                "assignment": assignment.name,
                "student": user.username,
                "timestamp": submission.nbgrader_timestamp,
                "files": files,
                "grades": _grades(rows),
            }
        )
        student = {"id": user.username, "first_name": user.first_name,
                   "last_name": user.last_name, "email": user.email}  # fmt: skip
        if student not in request["students"]:
            request["students"].append(student)
        pushed.append((submission, rows))
    if pushed:
        structure = assignment_structure(grading_course(assignment), assignment.name)
        structure["sources"] = encoded_files(source_files(assignment=assignment))
        request["assignments"].append(structure)
    return pushed


def formgrader_sync_all() -> dict[str, int]:
    """Sync the cohorts whose formgrader server runs (the sweeper): scores are
    given only there, and it runs while graders work and for an hour after
    (the idle culler). Opening one, and making feedback, sync it anyway."""
    totals = {"pulled": 0, "pushed": 0, "failed": 0}
    hub = hub_client()
    if hub is None:
        return totals
    try:
        running = {
            u["name"]
            for u in hub.users()
            if names.is_grader_user(u["name"]) and u.get("servers")
        }
    except (HubUnavailable, HubError) as error:
        log.warning("formgrader sync: the hub did not answer: %s", error)
        return totals
    for record in Formgrader.objects.select_related("cohort"):
        if formgrader_user(record.cohort) not in running:
            continue
        try:
            if not record.lms_changed and record.gradebook_mark == gradebook_mark(
                record.cohort.lab_course_id
            ):
                formgrader_shares_sync(cohort=record.cohort, hub=hub)
                continue  # nothing graded on either side since the last sync
            counts = formgrader_sync(cohort=record.cohort)
        except (FormgraderError, OSError, HubUnavailable, HubError) as error:
            log.warning("formgrader sync of %s failed: %s", record.cohort, error)
            totals["failed"] += 1
            continue
        for key, value in counts.items():
            totals[key] += value
    return totals


def formgrader_sync_if_open(*, cohort: Cohort) -> None:
    """Before feedback is made: the formgrader's latest scores by hand."""
    if Formgrader.objects.filter(cohort=cohort).exists():
        try:
            formgrader_sync(cohort=cohort)
        except (FormgraderError, OSError) as error:
            log.warning("formgrader sync of %s failed: %s", cohort, error)


@task()
def sync_formgrader(cohort_id: int) -> dict:

    cohort = Cohort.objects.filter(pk=cohort_id).first()
    return formgrader_sync(cohort=cohort) if cohort else {}
