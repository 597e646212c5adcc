"""Admin pages on assignments and attempts: release now, preview, downloads,
grading progress, regrading, feedback release, grading by hand.

Every view on an assignment, submission or cohort finds it through the
``*_manageable_by`` selectors: outside one's cohorts it does not exist (404).
"""

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from courses.core.errors import ServiceError
from courses.grading.admin_forms import ManualGradeForm
from courses.grading.downloads import feedback_response, submission_zip_response
from courses.grading.models import AssignmentFile
from courses.grading.permissions import (
    assignments_manageable_by,
    submissions_manageable_by,
)
from courses.grading.selectors import gradebook as grading_selectors_gradebook
from courses.grading.selectors.assignments import feedback_page
from courses.grading.services.assignments import assignment_release
from courses.grading.services.feedback import feedback_release
from courses.grading.services.hand_grading import (
    grading_regrade,
    manual_grade_save,
)


def _assignment_for(request, pk: int):
    return get_object_or_404(assignments_manageable_by(request.user), pk=pk)


@require_POST
def assignment_release_now(request, pk: int):
    """Release an assignment now. POST only; its cohort's staff and instructors."""
    assignment = _assignment_for(request, pk)
    try:
        assignment_release(assignment=assignment)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(title)s is released.") % {"title": assignment})
    return redirect("assignment:inspect", pk)


def assignment_preview(request, pk: int, file_id: int):
    """The student version of one notebook, as a static page without scripts."""
    assignment = _assignment_for(request, pk)
    record = get_object_or_404(
        assignment.files.filter(kind=AssignmentFile.Kind.PREVIEW), pk=file_id
    )
    with record.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type="text/html; charset=utf-8")
    # Notebook outputs are the instructor's HTML: shown, never run, never framed.
    response["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    )
    return response


def submission_download(request, pk: int):
    """One submission's files as a zip, for its cohort's staff and instructors."""
    submission = _submission_for(request, pk)
    who, what = submission.user.username, submission.assignment.name
    name = f"{what}-{who}-{submission.attempt}.zip"
    return submission_zip_response(submission, filename=name)


# Grading: progress, regrading, feedback, extensions --------------------------------


def _submission_for(request, pk: int):
    return get_object_or_404(
        submissions_manageable_by(request.user).select_related("assignment", "user"),
        pk=pk,
    )


def _breadcrumbs(assignment) -> list[dict]:
    return [
        {"url": reverse("wagtailadmin_home"), "label": _("Home")},
        {"url": reverse("assignment:index"), "label": _("Assignments")},
        {
            "url": reverse("assignment:inspect", args=[assignment.pk]),
            "label": str(assignment),
        },
    ]


@require_GET
def assignment_progress(request, pk: int):
    """Submissions of an assignment by grading status, as JSON for the
    inspect page's progress bar."""
    assignment = _assignment_for(request, pk)
    return JsonResponse(
        grading_selectors_gradebook.assignment_progress(assignment=assignment).as_dict()
    )


class AssignmentAdminPage(WagtailAdminTemplateMixin):
    """An admin page about one assignment the person manages (404 otherwise)."""

    def dispatch(self, request, *args, pk: int, **kwargs):
        self.assignment = _assignment_for(request, pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.assignment)

    def get_breadcrumbs_items(self):
        return [*_breadcrumbs(self.assignment), {"url": "", "label": self.page_title}]


class AssignmentRegradeView(AssignmentAdminPage, TemplateView):
    """Confirm (GET), then send every submission of an assignment back to
    grading (POST). Template: ``courses/admin/assignment_regrade.html``;
    context: ``assignment``, ``count``."""

    page_title = gettext_lazy("Grade all again")
    header_icon = "resubmit"
    template_name = "courses/admin/assignment_regrade.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["assignment"] = self.assignment
        context["count"] = self.assignment.submissions.count()
        return context

    def post(self, request, *args, **kwargs):
        count = grading_regrade(submissions=self.assignment.submissions.all())
        messages.success(
            request,
            ngettext(
                "%(count)s submission goes back to grading.",
                "%(count)s submissions go back to grading.",
                count,
            )
            % {"count": count},
        )
        return redirect("assignment:inspect", self.assignment.pk)


def _feedback_message(request, count: int) -> None:
    if not count:
        messages.warning(
            request, _("No graded attempt: there is no feedback to release.")
        )
        return
    messages.success(
        request,
        ngettext(
            "Feedback for %(count)s learner is being made; they see it once ready.",
            "Feedback for %(count)s learners is being made; they see it once ready.",
            count,
        )
        % {"count": count},
    )


@require_POST
def assignment_feedback_release(request, pk: int):
    """Release feedback of every learner's counted attempt. POST only."""
    assignment = _assignment_for(request, pk)
    _feedback_message(request, feedback_release(assignment=assignment))
    return redirect("assignment:inspect", pk)


@require_POST
def submission_regrade(request, pk: int):
    """Send one submission back to grading. POST only."""
    submission = _submission_for(request, pk)
    grading_regrade(submissions=[submission])
    messages.success(request, _("This submission goes back to grading."))
    return redirect("submission:inspect", pk)


@require_POST
def submission_feedback_release(request, pk: int):
    """Release the feedback of this submission's learner (their counted attempt)."""
    submission = _submission_for(request, pk)
    count = feedback_release(assignment=submission.assignment, users=[submission.user])
    _feedback_message(request, count)
    return redirect("submission:inspect", pk)


@require_POST
def submission_grade_by_hand(request, pk: int):
    """Save scores given by hand (``ManualGradeForm``) through the service."""
    submission = _submission_for(request, pk)
    form = ManualGradeForm(request.POST, rows=submission.scores.all())
    if not form.is_valid():
        for name, errors in form.errors.items():
            messages.error(request, f"{form.fields[name].label}: {' '.join(errors)}")
        return redirect("submission:inspect", pk)
    try:
        manual_grade_save(submission=submission, scores=form.scores(), by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The scores given by hand are saved."))
    return redirect("submission:inspect", pk)


@require_GET
def submission_feedback_page(request, pk: int, feedback_id: int):
    """A feedback page of a submission, sandboxed like the learner's copy."""
    record = feedback_page(
        submissions=submissions_manageable_by(request.user).filter(pk=pk),
        pk=feedback_id,
    )
    if record is None:
        raise Http404
    return feedback_response(record)
