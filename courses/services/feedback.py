"""After autograding: grading by hand, regrading, extensions and feedback release.

The LMS is the record: scores given by hand are saved on ``SubmissionScore``
at once and, with the comments graders wrote in the formgrader, written into
the cohort's nbgrader gradebook when feedback is made
(nbgrader renders its feedback pages from the gradebook). Feedback pages are
made in the task worker when released, from the attempt that counts (the last),
with hidden tests removed unless the assignment reveals them after the due date.
"""

import datetime as dt
import decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.jupyter import (
    comments_set,
    generate_feedback,
    grade_submission,
    manual_scores_set,
    submission_timestamp,
)
from courses.models import (
    Assignment,
    Cohort,
    Extension,
    Submission,
    SubmissionFeedback,
    SubmissionScore,
)
from courses.selectors.assignments import submission_files

from .completion import completion_evaluate_later
from .errors import ServiceError
from .grading import (
    TIMESTAMP_FILE,
    formgrader_changed,
    grading_enqueue,
    grading_learner_course,
    late_by,
    late_penalty,
    limits_for,
    score_totals,
)

Status = Submission.Status
ERROR_NOT_GRADED = "not_graded"
ERROR_BAD_SCORE = "bad_score"


def counted_submissions(*, assignment: Assignment, users=None):
    """Each learner's last attempt: the one that counts."""
    latest = Submission.objects.filter(assignment=assignment)
    if users is not None:
        latest = latest.filter(user__in=users)
    last = latest.values("user").annotate(attempt=Max("attempt"))
    pairs = {(row["user"], row["attempt"]) for row in last}
    return [s for s in latest.select_related("user") if (s.user_id, s.attempt) in pairs]


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
    completion_evaluate_later(cohort_id=assignment.cohort_id, user_id=user.pk)
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
    completion_evaluate_later(
        cohort_id=submission.assignment.cohort_id, user_id=submission.user_id
    )
    return submission


# Feedback ----------------------------------------------------------------------


def feedback_release(*, assignment: Assignment, users=None) -> int:
    """Release the feedback of the attempts that count (all learners, or some);
    the pages are made in the task worker."""
    ready = [
        s
        for s in counted_submissions(assignment=assignment, users=users)
        if s.status in (Status.GRADED, Status.MANUAL)
    ]
    ids = [s.pk for s in ready]
    if ids:
        # deferred: services ↔ tasks cycle until the slices land (issue 17)
        from courses.tasks import make_feedback

        transaction.on_commit(lambda: make_feedback.enqueue(ids))
    return len(ids)


def _reveal(assignment: Assignment) -> bool:
    return bool(
        assignment.reveal_hidden_tests
        and assignment.due_at
        and assignment.due_at <= timezone.now()
    )


def feedback_make_many(*, submission_ids: list[int]) -> int:
    """Feedback pages of these attempts, with the scores given in their cohorts'
    formgraders since the last sync (one sync per cohort first)."""
    # deferred: feedback ↔ formgrader cycle (formgrader reads feedback's helpers)
    from .formgrader import formgrader_sync_if_open

    for cohort in Cohort.objects.filter(
        assignments__submissions__pk__in=submission_ids
    ).distinct():
        formgrader_sync_if_open(cohort=cohort)
    return sum(feedback_make(submission_id=pk) for pk in submission_ids)


def feedback_make(*, submission_id: int) -> int:
    """Render and keep the feedback pages of one attempt; mark them released."""
    submission = Submission.objects.select_related("assignment__cohort", "user").get(
        pk=submission_id
    )
    assignment, student = submission.assignment, submission.user.username
    with grading_learner_course(assignment, student) as course:
        pages = _feedback_pages(submission, course)
    with transaction.atomic():
        old = list(submission.feedback.all())
        submission.feedback.all().delete()
        for name, data in pages.items():
            record = SubmissionFeedback(
                submission=submission,
                path=f"{name}.html",
                size=len(data),
                sha256=SubmissionFeedback.digest(data),
            )
            record.file.save(f"{name}.html", ContentFile(data), save=False)
            record.save()
        submission.feedback_released_at = timezone.now()
        submission.save(update_fields=["feedback_released_at"])  # audited
        storage = SubmissionFeedback._meta.get_field("file").storage
        names = [r.file.name for r in old]
        transaction.on_commit(lambda: [storage.delete(n) for n in names])
    return len(pages)


def _feedback_pages(submission: Submission, course) -> dict[str, bytes]:
    """The attempt's feedback pages (notebook name -> HTML), made in the
    learner's own course directory, which the caller holds."""
    assignment, student = submission.assignment, submission.user.username
    if submission_timestamp(course, assignment.name, student) != (
        submission.nbgrader_timestamp
    ):
        # The gradebook holds another attempt (graded later, or regraded):
        # grade this one again there first; its scores do not change.
        files = submission_files(submission=submission)
        files[TIMESTAMP_FILE] = submission.nbgrader_timestamp.encode()
        grade_submission(
            course=course,
            assignment=assignment.name,
            student=student,
            files=files,
            limits=limits_for(assignment),
            feedback=False,
        )
    by_notebook: dict[str, dict[str, float]] = {}
    for row in SubmissionScore.objects.filter(
        submission=submission, manual_score__isnull=False
    ):
        by_notebook.setdefault(row.notebook, {})[row.cell] = float(row.manual_score)
    for notebook, scores in by_notebook.items():
        manual_scores_set(course, assignment.name, student, notebook, scores)
    comments = {
        tuple(key.split("/", 1)): text
        for key, text in (submission.grader_comments or {}).items()
        if "/" in key
    }
    comments_set(course, assignment.name, student, comments)
    pages = generate_feedback(
        course=course,
        assignment=assignment.name,
        student=student,
        reveal_hidden_tests=_reveal(assignment),
    )
    return {name: path.read_bytes() for name, path in pages.items()}
