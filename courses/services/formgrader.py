"""nbgrader's formgrader for a cohort, through the hub: grading by hand in the
tool instructors know, with the LMS still the record.

Each cohort's formgrader is a server of hub user ``grader_<course id>``,
running as its own system account on a course directory in that account's
home, shared with the hub group ``formgrade-<course id>`` and with each of the
cohort's instructors (hub administrators see every server). The LMS keeps it in step
with a sync (the sweeper every 30 s while its server runs, on opening, before
feedback is made):

1. Scores given by hand in the formgrader are read back into the attempts
   that count, which may complete their grading and the learner's progress;
   graders' comments too (they go into the feedback).
2. Attempts whose automatic grading is newer than what the formgrader shows,
   or whose scores were changed in the LMS's admin, are put in again.

Each score by hand remembers the value both sides held at the last sync
(``SubmissionScore.formgrader_base``): the side that differs from it changed
since. If both did, the formgrader's wins. Learners' code never runs there:
autograding and feedback stay in the LMS's sandboxed workers.
"""

import decimal
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.jupyter import (
    FormgraderError,
    HubError,
    HubUnavailable,
    assignment_structure,
    autograded_files,
    encoded_files,
    file_lock,
    formgrader_down,
    formgrader_dump,
    formgrader_load,
    formgrader_prepared,
    gradebook_mark,
    names,
    submission_timestamp,
)
from courses.models import Cohort, Formgrader, Submission, SubmissionScore
from courses.selectors.assignments import source_files

from .completion import completion_evaluate_later
from .errors import ServiceError
from .feedback import counted_submissions
from .grading import grading_course, grading_learner_course, score_totals
from .lab import hub_client

log = logging.getLogger(__name__)
Status = Submission.Status
ERROR_NOT_A_GRADER = "not_a_grader"
ERROR_NO_LAB = "no_lab"
PULLED = ("manual_score", "score", "needs_manual_grade", "formgrader_base")
SYNC_RETRY_S = 15  # a waiting page asks again for a lost sync this often


def formgrader_user(cohort: Cohort) -> str:
    return names.grader_user(cohort.lab_course_id)


def formgrader_url(cohort: Cohort) -> str:
    # Its "Manual Grading" page: what the LMS sends instructors there for.
    return f"{settings.HUB_URL}/user/{formgrader_user(cohort)}/formgrader/gradebook"


def formgrader_may_open(*, user, cohort: Cohort) -> bool:
    """Who the hub lets in: the cohort's instructors (its formgrade group) and
    administrators (hub administrators)."""
    if not user.is_active:
        return False
    return user.is_superuser or cohort.instructors.filter(pk=user.pk).exists()


@dataclass(frozen=True)
class FormgraderState:
    ready: bool
    url: str
    message: str
    failed: bool = False


def formgrader_open(*, cohort: Cohort, user, retry: bool = False) -> FormgraderState:
    """Check and repair the cohort's formgrader, then start it: its account,
    home and course are prepared (again, if any is gone) and a server that
    died is started again. Ready once the hub says so; called again (the
    waiting page reloads) until it is, and as often as wanted after."""
    if not formgrader_may_open(user=user, cohort=cohort):
        raise ServiceError(
            _("Only the cohort's instructors grade in its formgrader."),
            code=ERROR_NOT_A_GRADER,
        )
    hub = hub_client()
    if hub is None:
        raise ServiceError(
            _("No lab is configured (HUB_URL is empty)."), code=ERROR_NO_LAB
        )
    record, _created = Formgrader.objects.get_or_create(cohort=cohort)
    if record.synced_at is None or not formgrader_prepared(cohort.lab_course_id):
        return _formgrader_prepare(cohort, record, retry=retry)
    try:
        return _formgrader_start(cohort, hub)
    except (HubUnavailable, HubError) as error:
        raise ServiceError(
            _("The lab (JupyterHub) did not answer: %(error)s") % {"error": error},
            code="hub",
        ) from error


def _formgrader_prepare(cohort: Cohort, record: Formgrader, *, retry: bool):
    """Have a worker sync the cohort, which puts its course (back) in the
    grader account's home, made again if it was deleted: the hub needs the
    course before it starts the server."""
    if record.sync_error and not retry:
        return FormgraderState(False, "", record.sync_error, failed=True)
    if cache.add(f"formgrader-sync-{cohort.pk}", True, SYNC_RETRY_S) or retry:
        # deferred: services ↔ tasks cycle until the slices land (issue 17)
        from courses.tasks import sync_formgrader

        Formgrader.objects.filter(pk=record.pk).update(sync_error="")
        transaction.on_commit(lambda: sync_formgrader.enqueue(cohort.pk))
    return FormgraderState(False, "", _("Preparing the course…"))


def _formgrader_start(cohort: Cohort, hub) -> FormgraderState:
    hub_user = formgrader_user(cohort)
    if hub.server_ready(hub_user):
        if not formgrader_down(
            hub_url=settings.HUB_URL, token=hub.token, hub_user=hub_user
        ):
            return FormgraderState(True, formgrader_url(cohort), "")
        # It died: the hub counts it ready until its next poll. Stopped here,
        # started at the next reload of the waiting page.
        log.warning("formgrader server of %s is gone: starting it again", cohort)
        hub.stop_server(hub_user)
        cache.delete(f"formgrader-start-{cohort.pk}")
        return FormgraderState(False, "", _("Starting the formgrader…"))
    # Once per start, not at each reload of the waiting page; the sweeper
    # keeps the shares in step while the server runs.
    if cache.add(f"formgrader-start-{cohort.pk}", True, SYNC_RETRY_S):
        hub.ensure_user(hub_user)
        formgrader_shares_sync(cohort=cohort, hub=hub)
        try:
            hub.start_server(hub_user)
        except HubError as error:
            if error.status != 400 or "pending" not in str(error):
                raise
            cache.delete(f"formgrader-start-{cohort.pk}")  # still stopping
    return FormgraderState(False, "", _("Starting the formgrader…"))


def formgrader_shares_sync(*, cohort: Cohort, hub=None) -> None:
    """Share the formgrader with the cohort's graders' group (nbgrader's
    contract) and, one by one, with its instructors: JupyterHub 6.1.1 leaves a
    group's shares out of the tokens its members' browsers get, so only the
    shares to each person let them in. Those who stopped teaching lose theirs
    (this runs at each opening and each sync)."""
    hub = hub or hub_client()
    if hub is None:
        return
    hub_user = formgrader_user(cohort)
    if hub.user(hub_user) is None:
        return  # never opened: nothing to share yet
    hub.share(hub_user, group=names.grader_group(cohort.lab_course_id))
    wanted = set(
        cohort.instructors.filter(is_active=True).values_list("username", flat=True)
    )
    for name in sorted(wanted):
        hub.ensure_user(name)
        hub.share(hub_user, user=name)
    for name in sorted(hub.shared_users(hub_user) - wanted):
        hub.unshare(hub_user, user=name)


# Sync ----------------------------------------------------------------------


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
        completion_evaluate_later(
            cohort_id=submission.assignment.cohort_id, user_id=submission.user_id
        )
    return changed


COMMENT_MAX = 10_000


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
