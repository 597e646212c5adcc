"""An attempt's files and its feedback pages, as downloads."""

from django.http import HttpResponse

from courses.core.http import attachment, zip_response
from courses.grading.models import Submission, SubmissionFeedback
from courses.grading.selectors.assignments import submission_files

# A feedback page holds what the learner's code printed: shown from the LMS's
# origin it could run script there. The sandbox CSP gives it an opaque origin
# with no scripts, forms or plugins; styles and inline images still render.
FEEDBACK_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def submission_zip_response(
    submission: Submission, *, filename: str = ""
) -> HttpResponse:
    """One attempt's files as a zip, named as the learner's own copy
    (``<assignment>-attempt-<n>.zip``) unless ``filename`` is given."""
    default = f"{submission.assignment.name}-attempt-{submission.attempt}.zip"
    return zip_response(
        submission_files(submission=submission), filename=filename or default
    )


def feedback_response(
    record: SubmissionFeedback, *, download: bool = False
) -> HttpResponse:
    """A feedback page, sandboxed: it holds what the learner's code printed."""
    with record.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = FEEDBACK_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return attachment(response, record.path) if download else response
