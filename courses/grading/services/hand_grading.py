"""Regrading, extensions and grades given by hand."""

import datetime as dt
import decimal

from django.db import transaction
from django.utils.translation import gettext as _

from courses.core.errors import ServiceError
from courses.enrollment.signals import standing_change
from courses.grading.models import (
    Assignment,
    Extension,
    Submission,
)
from courses.grading.services.autograde import (
    formgrader_changed,
    grading_enqueue,
    score_totals,
)
from courses.grading.services.feedback import ERROR_BAD_SCORE, ERROR_NOT_GRADED
from courses.grading.services.lateness import late_by, late_penalty

Status = Submission.Status


# Regrading -------------------------------------------------------------------


def grading_regrade(*, submissions) -> int:
    """Grade again (after a test was fixed): each goes back to the queue; a
    worker still grading an old run loses its lease and its result."""
    ids = [s.pk for s in submissions]
    with transaction.atomic():
        count = Submission.objects.filter(pk__in=ids).update(
            status=Status.RECEIVED,
            grading_tries=0,
            lease_token="",
            lease_until=None,
            grading_error="",
        )
        grading_enqueue(submission_ids=ids)
    return count


# Extensions ------------------------------------------------------------------


@transaction.atomic
def extension_grant(
    *, assignment: Assignment, user, due_at: dt.datetime, reason: str = "", by=None
) -> Extension:
    """A later due date for one learner; their late attempts are re-priced."""
    if assignment.due_at and due_at <= assignment.due_at:
        raise ServiceError(
            _("An extension must end after the assignment's due date."),
            code="bad_extension",
        )
    extension, _created = Extension.objects.update_or_create(
        assignment=assignment,
        user=user,
        defaults={"due_at": due_at, "reason": reason, "granted_by": by},
    )
    for submission in Submission.objects.filter(assignment=assignment, user=user):
        submission.late_by = late_by(due_at, submission.submitted_at)
        submission.penalty = late_penalty(assignment, submission.late_by)
        submission.save(update_fields=["late_by", "penalty"])
    standing_change(cohort_id=assignment.cohort_id, user_id=user.pk)
    return extension


# Grading by hand -------------------------------------------------------------


@transaction.atomic
def manual_grade_save(
    *, submission: Submission, scores: dict[tuple[str, str], decimal.Decimal], by=None
) -> Submission:
    """Scores given by hand, per (notebook, cell): they replace the automatic
    ones of those cells, as in nbgrader's formgrader."""
    submission = Submission.objects.select_for_update(of=("self",)).get(
        pk=submission.pk
    )
    if submission.status not in (Status.GRADED, Status.MANUAL):
        raise ServiceError(
            _("Only a graded submission can be graded by hand."), code=ERROR_NOT_GRADED
        )
    rows = {(r.notebook, r.cell): r for r in submission.scores.all()}
    for key, points in scores.items():
        row = rows.get(key)
        if row is None:
            raise ServiceError(_("No such question."), code=ERROR_BAD_SCORE)
        if points is None:
            continue
        if not 0 <= points <= row.max_score:
            raise ServiceError(
                _("%(cell)s: a score from 0 to %(max)s.")
                % {"cell": row.cell, "max": row.max_score},
                code=ERROR_BAD_SCORE,
            )
        row.manual_score = row.score = points
        row.needs_manual_grade = False
        row.save(update_fields=["manual_score", "score", "needs_manual_grade"])
    score_totals(submission)
    submission.save(update_fields=["score", "status"])
    formgrader_changed(cohort_id=submission.assignment.cohort_id)
    standing_change(
        cohort_id=submission.assignment.cohort_id, user_id=submission.user_id
    )
    return submission
