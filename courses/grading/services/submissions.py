"""Submissions: a learner's attempt is checked, numbered and stored at once.

The learner's enrolment row is locked while an attempt is numbered, so two
submits at the same moment get attempts n and n+1, and a retried request (same
idempotency key) finds the first one instead of making another.
"""

import datetime as dt
import functools
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from courses.core.errors import ServiceError, problem_text
from courses.enrollment.models import Enrollment
from courses.grading.models import (
    Assignment,
    AssignmentFile,
    Submission,
    SubmissionFile,
)
from courses.grading.selectors.assignments import due_for
from courses.grading.services.autograde import grading_enqueue
from courses.grading.services.lateness import late_by
from courses.jupyter import notebook_read, tampering

ERROR_NOT_ENROLLED = "not_enrolled"
ERROR_NOT_FOUND = "not_found"
ERROR_DEADLINE = "deadline_passed"
ERROR_NO_ATTEMPTS = "no_attempts_left"
ERROR_BAD_NOTEBOOK = "bad_notebook"
ERROR_NO_NOTEBOOK = "no_notebook"


@dataclass(frozen=True)
class SubmissionOutcome:
    submission: Submission
    created: bool
    warnings: list[str] = field(default_factory=list)


def _lock_enrollment(user, assignment: Assignment) -> Enrollment:
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .filter(
            user=user,
            cohort=assignment.cohort_id,
            # Passing early (docs/completion.md) does not end the course.
            status__in=(Enrollment.Status.ENROLLED, Enrollment.Status.COMPLETED),
        )
        .first()
    )
    if enrollment is None:
        raise ServiceError(
            _("You are not enrolled in the cohort of this assignment."),
            code=ERROR_NOT_ENROLLED,
        )
    return enrollment


def _check_rules(assignment: Assignment, used: int, due, late: dt.timedelta) -> int:
    """The attempt number this submission gets, or a refusal."""
    if late and assignment.late_policy == Assignment.LatePolicy.REFUSE:
        due = formats.date_format(timezone.localtime(due), "DATETIME_FORMAT")
        raise ServiceError(
            _("The due date passed on %(due)s; this assignment takes no late work.")
            % {"due": due},
            code=ERROR_DEADLINE,
        )
    if not assignment.attempts_left(used):
        raise ServiceError(
            _("You used all %(n)d attempts of this assignment.")
            % {"n": assignment.max_attempts},
            code=ERROR_NO_ATTEMPTS,
        )
    return used + 1


@functools.lru_cache(maxsize=32)
def _released_notebooks(assignment_id: int, version: str) -> dict:
    """The release's notebooks, parsed once per assignment version (a new check
    saves the assignment, so ``updated_at`` names the release's content)."""
    records = AssignmentFile.objects.filter(
        assignment_id=assignment_id,
        kind=AssignmentFile.Kind.RELEASE,
        path__endswith=".ipynb",
    )
    notebooks = {}
    for record in records:
        with record.file.open("rb") as handle:
            notebooks[record.path] = notebook_read(record.path, handle.read())[0]
    return notebooks


def _check_notebooks(assignment: Assignment, files: dict[str, bytes]) -> list[str]:
    """Refuse unreadable notebooks; return warnings on what grading relies on."""
    released = _released_notebooks(assignment.pk, assignment.updated_at.isoformat())
    problems, warnings, notebooks = [], [], 0
    for path, data in sorted(files.items()):
        if not path.endswith(".ipynb"):
            continue
        notebook, unreadable = notebook_read(path, data)
        problems += unreadable
        if notebook is not None and path in released:
            notebooks += 1
            warnings += map(problem_text, tampering(path, released[path], notebook))
    if problems:
        message = " ".join(map(problem_text, problems))
        raise ServiceError(message, code=ERROR_BAD_NOTEBOOK)
    if not notebooks:
        names = ", ".join(sorted(released)) or "—"
        raise ServiceError(
            _("The submission has none of the assignment's notebooks (%(names)s).")
            % {"names": names},
            code=ERROR_NO_NOTEBOOK,
        )
    missing = sorted(set(released) - set(files))
    warnings += [_("%(name)s was not submitted.") % {"name": name} for name in missing]
    return warnings


def _store_all(submission: Submission, files: dict[str, bytes]) -> None:
    """Store every file, or none: blobs already written go if one fails."""
    written = []
    try:
        for path, data in sorted(files.items()):
            record = SubmissionFile(
                submission=submission,
                path=path,
                size=len(data),
                sha256=SubmissionFile.digest(data),
            )
            record.file.save(path.rsplit("/", 1)[-1], ContentFile(data), save=False)
            written.append(record.file)
            record.save()
    except BaseException:
        for stored in written:
            stored.storage.delete(stored.name)
        raise


@transaction.atomic
def submission_create(
    *,
    user,
    assignment: Assignment,
    files: dict[str, bytes],
    source: str,
    idempotency_key: str = "",
) -> SubmissionOutcome:
    """Record a learner's attempt at the server's time, late or not."""
    _lock_enrollment(user, assignment)
    earlier = list(  # one query: the attempts so far and their keys
        Submission.objects.filter(assignment=assignment, user=user).values_list(
            "idempotency_key", "pk"
        )
    )
    replay = next(
        (pk for key, pk in earlier if idempotency_key and key == idempotency_key), None
    )
    if replay is not None:
        replayed = Submission.objects.get(pk=replay)
        return SubmissionOutcome(replayed, created=False, warnings=replayed.warnings)
    if not assignment.is_released():
        raise ServiceError(_("This assignment is not released."), code=ERROR_NOT_FOUND)
    now = timezone.now()
    due = due_for(assignment=assignment, user=user)
    late = late_by(due, now)
    attempt = _check_rules(assignment, len(earlier), due, late)
    warnings = _check_notebooks(assignment, files)
    submission = Submission.objects.create(
        assignment=assignment,
        user=user,
        attempt=attempt,
        submitted_at=now,
        late_by=late,
        source=source,
        idempotency_key=idempotency_key[:80],
        warnings=warnings,
    )
    _store_all(submission, files)
    grading_enqueue(submission_ids=[submission.pk])
    return SubmissionOutcome(submission, created=True, warnings=warnings)
