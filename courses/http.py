"""HTTP responses shared by the learner pages, the admin and the exchange API."""

from django.http import HttpResponse

from courses.models import SubmissionFeedback

# A feedback page holds what the learner's code printed: shown from the LMS's
# origin it could run script there. The sandbox CSP gives it an opaque origin
# with no scripts, forms or plugins; styles and inline images still render.
FEEDBACK_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def feedback_response(record: SubmissionFeedback, *, download: bool = False):
    with record.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = FEEDBACK_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if download:
        response["Content-Disposition"] = f'attachment; filename="{record.path}"'
    return response
