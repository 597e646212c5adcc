"""Learner-facing views: enrol, apply, withdraw, invitations, My learning, search.

Thin: each parses the request, calls one service or selector and renders or
redirects. Catalogue pages themselves are Wagtail pages (``models/pages.py``).
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Locale
from wagtail.views import serve

from courses import page_cache, selectors, services
from courses.forms import ApplicationForm, CourseSearchForm, SubmissionUploadForm
from courses.http import feedback_response, submission_zip_response, upload_limited
from courses.models import Cohort, Enrollment, Invitation, Submission, TrackPage
from courses.selectors.progress import cohort_progress, track_progress
from courses.services.archives import uploads_read
from courses.services.submissions import submission_create
from lms.accounts.decorators import verified_email_required
from lms.ratelimit import rate_limit

PENDING = (Submission.Status.RECEIVED, Submission.Status.GRADING)

Status = Enrollment.Status


def _back(request: HttpRequest, cohort: Cohort) -> str:
    target = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return cohort.course.localized.url or "/"


def _outcome_message(outcome: services.EnrollmentOutcome) -> str:
    enrollment = outcome.enrollment
    course = enrollment.cohort.course.localized.title
    if not outcome.changed:
        return _("You already have a place in this cohort (%(status)s).") % {
            "status": enrollment.get_status_display()
        }
    if enrollment.status == Status.ENROLLED:
        return _("You are enrolled in %(course)s.") % {"course": course}
    if enrollment.status == Status.WAITLISTED:
        return _(
            "%(course)s is full: you are on the waitlist. We will email you when "
            "a seat frees up."
        ) % {"course": course}
    return _("Your application to %(course)s was sent.") % {"course": course}


def _report(request: HttpRequest, call, **kwargs) -> bool:
    try:
        outcome = call(**kwargs)
    except services.ServiceError as error:
        messages.error(request, error.message)
        return False
    level = messages.SUCCESS if outcome.changed else messages.INFO
    messages.add_message(request, level, _outcome_message(outcome))
    return True


@require_POST
@verified_email_required
def cohort_enroll(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """Enrol in an open cohort (or join its waitlist). POST only."""
    cohort = get_object_or_404(Cohort, pk=cohort_id)
    _report(request, services.enrollment_create, user=request.user, cohort=cohort)
    return redirect(_back(request, cohort))


@verified_email_required
def cohort_apply(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """Apply to a cohort that admits by approval.

    Template: ``courses/cohort_apply.html``; context: ``cohort``, ``course``, ``form``.
    """
    cohort = get_object_or_404(Cohort.objects.select_related("course"), pk=cohort_id)
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        motivation = form.cleaned_data["motivation"]
        if _report(
            request,
            services.enrollment_apply,
            user=request.user,
            cohort=cohort,
            motivation=motivation,
        ):
            return redirect("courses:my_learning")
    context = {"cohort": cohort, "course": cohort.course.localized, "form": form}
    return render(request, "courses/cohort_apply.html", context)


@require_POST
@login_required
def enrollment_withdraw(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    """Withdraw one's own application, waitlist place or enrolment. POST only."""
    enrollment = selectors.enrollment_of_user(
        user=request.user, enrollment_id=enrollment_id
    )
    if enrollment is None:
        raise Http404
    try:
        outcome = services.enrollment_withdraw(
            enrollment=enrollment, actor=request.user
        )
    except services.ServiceError as error:
        messages.error(request, error.message)
    else:
        if outcome.changed:
            messages.success(
                request,
                _("You withdrew from %(cohort)s.")
                % {"cohort": enrollment.cohort.course.localized.title},
            )
    return redirect("courses:my_learning")


@verified_email_required
@rate_limit("invitation")
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Show an invitation and accept it on POST.

    Template: ``courses/invitation.html``; context: ``invitation``, ``course``.
    """
    invitation = get_object_or_404(
        Invitation.objects.select_related("cohort", "cohort__course"), token=token
    )
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except services.ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Welcome! You accepted the invitation."))
            return redirect("courses:my_learning")
    context = {"invitation": invitation, "course": invitation.cohort.course.localized}
    return render(request, "courses/invitation.html", context)


@login_required
def my_learning(request: HttpRequest) -> HttpResponse:
    """The signed-in person's cohorts with status and next steps.

    Template: ``courses/my_learning.html``; context: ``enrollments`` (each with
    its ``assignments`` and ``progress``), ``tracks``, ``teaching``.
    """
    enrollments = selectors.my_learning(user=request.user)
    assignments = selectors.assignments_by_cohort(user=request.user)
    progress = cohort_progress(user=request.user, enrollments=enrollments)
    for enrollment in enrollments:
        enrollment.assignments = assignments.get(enrollment.cohort_id, [])
        enrollment.progress = progress.get(enrollment.pk)
    context = {
        "enrollments": enrollments,
        "tracks": track_progress(user=request.user, enrollments=enrollments),
        "teaching": selectors.cohorts_taught_by(user=request.user),
    }
    return render(request, "courses/my_learning.html", context)


def course_search(request: HttpRequest) -> HttpResponse:
    """Search courses and filter by track, level, format, language, open now.

    Template: ``courses/course_search.html``; context: ``form``, ``results``.
    """
    locale = Locale.get_active()
    tracks = list(TrackPage.objects.live().filter(locale=locale).order_by("path"))
    form = CourseSearchForm(request.GET or None, tracks=tracks)
    results = None
    if form.is_valid():
        data = form.cleaned_data
        results = selectors.course_search(
            locale=locale,
            query=data["q"],
            track=form.tracks.get(data["track"]),
            level=data["level"],
            format=data["format"],
            language=data["language"],
            open_only=data["open_only"],
        )
    return render(
        request, "courses/course_search.html", {"form": form, "results": results}
    )


def catalogue_page(request: HttpRequest, path: str) -> HttpResponse:
    """Wagtail's page view, cached for anonymous visitors (see ``page_cache``)."""
    if not page_cache.cacheable(request):
        return serve(request, path)
    key = page_cache.page_key(request)
    response = page_cache.page_get(key)
    if response is None:
        # Expire at the first window change after the moment the page shows.
        now = timezone.now()
        response = serve(request, path)
        if hasattr(response, "render"):
            response = response.render()
        if not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            page_cache.page_put(key, response, until=selectors.next_window_change(now))
    return response


@login_required
@upload_limited
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An assignment for a learner: what to do, their attempts, and an upload.

    Template: ``courses/assignment_detail.html``; context: ``assignment``,
    ``submissions``, ``form``, ``attempts_left``. An upload over the limit is
    refused (413) before it is read.
    """
    assignment = selectors.assignment_for_learner(user=request.user, pk=pk)
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
    submissions = selectors.submissions_of(user=request.user, assignment=assignment)
    context = {
        "assignment": assignment,
        "submissions": submissions,
        "form": form,
        "attempts_left": assignment.attempts_left(len(submissions)),
        "due": selectors.due_for(assignment=assignment, user=request.user),
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
    except services.ServiceError as error:
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
    record = selectors.released_feedback_page(
        user=request.user,
        assignment=selectors.assignment_for_learner(user=request.user, pk=pk),
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
    submission = selectors.attempt_of(
        user=request.user,
        assignment=selectors.assignment_for_learner(user=request.user, pk=pk),
        attempt=attempt,
    )
    if submission is None:
        raise Http404
    return submission_zip_response(submission)
