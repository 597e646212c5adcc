"""Learners' views: enrol, apply, withdraw, accept an invitation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.core.errors import ServiceError
from courses.enrollment import services as enrollment_services
from courses.enrollment.forms import ApplicationForm
from courses.enrollment.invitations import invitation_accept
from courses.enrollment.models import Cohort, Enrollment, Invitation
from courses.enrollment.selectors import enrollment_of_user
from courses.enrollment.services import (
    EnrollmentOutcome,
    enrollment_apply,
    enrollment_create,
)
from lms.accounts.decorators import verified_email_required
from lms.ratelimit import rate_limit

Status = Enrollment.Status


def _back(request: HttpRequest, cohort: Cohort) -> str:
    target = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return cohort.course.localized.url or "/"


def _outcome_message(outcome: EnrollmentOutcome) -> str:
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
    except ServiceError as error:
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
    _report(request, enrollment_create, user=request.user, cohort=cohort)
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
            enrollment_apply,
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
    enrollment = enrollment_of_user(user=request.user, enrollment_id=enrollment_id)
    if enrollment is None:
        raise Http404
    try:
        outcome = enrollment_services.enrollment_withdraw(
            enrollment=enrollment, actor=request.user
        )
    except ServiceError as error:
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
            invitation_accept(invitation=invitation, user=request.user)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Welcome! You accepted the invitation."))
            return redirect("courses:my_learning")
    context = {"invitation": invitation, "course": invitation.cohort.course.localized}
    return render(request, "courses/invitation.html", context)
