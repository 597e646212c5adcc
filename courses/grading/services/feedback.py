"""After autograding: grading by hand, regrading, extensions and feedback release.

The LMS is the record: scores given by hand are saved on ``SubmissionScore``
at once and, with the comments graders wrote in the formgrader, written into
the cohort's nbgrader gradebook when feedback is made
(nbgrader renders its feedback pages from the gradebook). Feedback pages are
made in the task worker when released, from the attempt that counts (the last),
with hidden tests removed unless the assignment reveals them after the due date.
"""

from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from courses.enrollment.models import Cohort
from courses.grading.models import (
    Assignment,
    Submission,
    SubmissionFeedback,
    SubmissionScore,
)
from courses.grading.selectors.assignments import submission_files
from courses.grading.selectors.gradebook import counted_submissions
from courses.grading.services.autograde import (
    TIMESTAMP_FILE,
    grading_learner_course,
    limits_for,
)
from courses.grading.services.formgrader_sync import formgrader_sync_if_open
from courses.jupyter import (
    comments_set,
    generate_feedback,
    grade_submission,
    manual_scores_set,
    submission_timestamp,
)

Status = Submission.Status
ERROR_NOT_GRADED = "not_graded"
ERROR_BAD_SCORE = "bad_score"


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


@task()
def make_feedback(submission_ids: list[int]) -> int:

    return feedback_make_many(submission_ids=submission_ids)
