"""Learners' assignment pages: submit, attempts, feedback, downloads."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from courses.core.archives import uploads_read
from courses.core.errors import ServiceError
from courses.core.http import upload_limited
from courses.grading.downloads import feedback_response, submission_zip_response
from courses.grading.forms import SubmissionUploadForm
from courses.grading.models import Submission
from courses.grading.selectors.assignments import (
    assignment_for_learner,
    attempt_of,
    due_for,
    released_feedback_page,
    submissions_of,
)
from courses.grading.services.submissions import submission_create

PENDING = (Submission.Status.RECEIVED, Submission.Status.GRADING)


@login_required
@upload_limited
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An assignment for a learner: what to do, their attempts, and an upload.

    Template: ``courses/assignment_detail.html``; context: ``assignment``,
    ``submissions``, ``form``, ``attempts_left``. An upload over the limit is
    refused (413) before it is read.
    """
    assignment = assignment_for_learner(user=request.user, pk=pk)
    if assignment is None:
        raise Http404
    refused = request.upload_refusal
    if refused:
        messages.error(request, refused)
    form = SubmissionUploadForm(
        None if refused else request.POST or None,
        None if refused else request.FILES or None,
        initial={"key": uuid.uuid4().hex},
    )
    if request.method == "POST" and not refused and form.is_valid():
        if _submit_upload(request, assignment, form.cleaned_data):
            return redirect("courses:assignment", pk=pk)
    submissions = submissions_of(user=request.user, assignment=assignment)
    context = {
        "assignment": assignment,
        "submissions": submissions,
        "form": form,
        "attempts_left": assignment.attempts_left(len(submissions)),
        "due": due_for(assignment=assignment, user=request.user),
        # The page reloads itself while a result is on its way.
        "pending": any(s.status in PENDING for s in submissions),
    }
    return render(
        request,
        "courses/assignment_detail.html",
        context,
        status=413 if refused else 200,
    )


def _submit_upload(request: HttpRequest, assignment, data: dict) -> bool:
    try:
        outcome = submission_create(
            user=request.user,
            assignment=assignment,
            files=uploads_read(data["files"]),
            source=Submission.Source.UPLOAD,
            idempotency_key=data["key"],
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return False
    messages.success(
        request,
        _("Attempt %(n)d received at %(when)s.")
        % {
            "n": outcome.submission.attempt,
            "when": formats.date_format(
                timezone.localtime(outcome.submission.submitted_at), "DATETIME_FORMAT"
            ),
        },
    )
    for warning in outcome.warnings:
        messages.warning(request, warning)
    return True


@login_required
def feedback_page(request: HttpRequest, pk: int, attempt: int, page: str):
    """A released feedback page of one of the learner's own attempts."""
    record = released_feedback_page(
        user=request.user,
        assignment=assignment_for_learner(user=request.user, pk=pk),
        attempt=attempt,
        path=page,
    )
    if record is None:
        raise Http404
    return feedback_response(record)


@login_required
def submission_file_download(
    request: HttpRequest, pk: int, attempt: int
) -> HttpResponse:
    """One of the learner's own attempts, as a zip."""
    submission = attempt_of(
        user=request.user,
        assignment=assignment_for_learner(user=request.user, pk=pk),
        attempt=attempt,
    )
    if submission is None:
        raise Http404
    return submission_zip_response(submission)
