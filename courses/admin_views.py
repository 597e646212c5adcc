"""Admin pages that are not model listings: labs, assignment and grading actions,
downloads, the cohort gradebook.

Every view on an assignment, submission or cohort finds it through the
``*_manageable_by`` selectors: outside one's cohorts it does not exist (404).
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from courses import exports, selectors
from courses.admin_forms import ExtensionForm, ManualGradeForm
from courses.http import feedback_response, submission_zip_response
from courses.jupyter import HubError, HubUnavailable
from courses.models import AssignmentFile
from courses.services import ServiceError, lab
from courses.services.assignments import assignment_release
from courses.services.feedback import (
    extension_grant,
    feedback_release,
    grading_regrade,
    manual_grade_save,
)
from courses.services.formgrader import formgrader_may_open, formgrader_open


def _shown_time(moment: dt.datetime) -> str:
    """``moment`` as the reader reads it: their zone, their language's format."""
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _administrators_only(request) -> None:
    if not request.user.is_superuser:
        raise PermissionDenied


class LabServersView(WagtailAdminTemplateMixin, TemplateView):
    """Who has a lab server, running or not, and when each was last active.

    Template: ``courses/admin/lab_servers.html``; context: ``servers``, ``error``.
    """

    page_title = gettext_lazy("Labs")
    header_icon = "code"
    template_name = "courses/admin/lab_servers.html"

    def dispatch(self, request, *args, **kwargs):
        _administrators_only(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            context["servers"], context["error"] = lab.lab_servers(), ""
        except (HubUnavailable, HubError) as error:
            context["servers"], context["error"] = [], str(error)
        return context


@require_POST
def lab_server_stop(request, username: str):
    """Stop one person's lab server. POST only; administrators only."""
    _administrators_only(request)
    person = get_object_or_404(get_user_model(), username=username)
    try:
        lab.lab_server_stop(user=person)
    except (HubUnavailable, HubError) as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("The lab server of %(name)s is stopping.") % {"name": person}
        )
    return redirect("lab_servers")


def _assignment_for(request, pk: int):
    return get_object_or_404(selectors.assignments_manageable_by(request.user), pk=pk)


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
        selectors.submissions_manageable_by(request.user).select_related(
            "assignment", "user"
        ),
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
    return JsonResponse(selectors.assignment_progress(assignment=assignment).as_dict())


class AssignmentRegradeView(WagtailAdminTemplateMixin, TemplateView):
    """Confirm (GET), then send every submission of an assignment back to
    grading (POST). Template: ``courses/admin/assignment_regrade.html``;
    context: ``assignment``, ``count``."""

    page_title = gettext_lazy("Grade all again")
    header_icon = "resubmit"
    template_name = "courses/admin/assignment_regrade.html"

    def dispatch(self, request, *args, pk: int, **kwargs):
        self.assignment = _assignment_for(request, pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.assignment)

    def get_breadcrumbs_items(self):
        return [*_breadcrumbs(self.assignment), {"url": "", "label": self.page_title}]

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
    record = selectors.feedback_page(
        submissions=selectors.submissions_manageable_by(request.user).filter(pk=pk),
        pk=feedback_id,
    )
    if record is None:
        raise Http404
    return feedback_response(record)


class ExtensionGrantView(WagtailAdminTemplateMixin, FormView):
    """Grant one learner of the cohort a later due date (``extension_grant``).
    Template: ``courses/admin/extension_form.html``; context: ``form``,
    ``assignment``."""

    page_title = gettext_lazy("Grant an extension")
    header_icon = "date"
    template_name = "courses/admin/extension_form.html"
    form_class = ExtensionForm

    def dispatch(self, request, *args, pk: int, **kwargs):
        self.assignment = _assignment_for(request, pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.assignment)

    def get_breadcrumbs_items(self):
        return [*_breadcrumbs(self.assignment), {"url": "", "label": self.page_title}]

    def get_initial(self):
        now, due = timezone.now(), self.assignment.due_at
        due = max(due, now) if due else now
        return {
            "learner": self.request.GET.get("learner"),
            "due_at": due + dt.timedelta(days=1),
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "assignment": self.assignment}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "assignment": self.assignment}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            extension_grant(
                assignment=self.assignment,
                user=data["learner"],
                due_at=data["due_at"],
                reason=data["reason"],
                by=self.request.user,
            )
        except ServiceError as error:
            form.add_error("due_at", error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s may now submit until %(when)s.")
            % {"name": data["learner"], "when": _shown_time(data["due_at"])},
        )
        return redirect("assignment:inspect", self.assignment.pk)


# The cohort gradebook --------------------------------------------------------------


def cohort_or_404(request, pk: int):
    return get_object_or_404(selectors.cohorts_manageable_by(request.user), pk=pk)


class CohortAdminPage(WagtailAdminTemplateMixin, TemplateView):
    """An admin page about one cohort the person may manage (404 otherwise),
    under Cohorts → the cohort in the breadcrumbs."""

    def dispatch(self, request, *args, pk: int, **kwargs):
        self.cohort = cohort_or_404(request, pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.cohort)

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("cohort:index"), "label": _("Cohorts")},
            {
                "url": reverse("cohort:edit", args=[self.cohort.pk]),
                "label": str(self.cohort),
            },
            {"url": "", "label": self.page_title},
        ]


class CohortGradebookView(CohortAdminPage):
    """Learners × assignments of a cohort with weighted totals; CSV and XLSX
    downloads. Template: ``courses/admin/cohort_gradebook.html``; context:
    ``cohort``, ``headers``, ``table``."""

    page_title = gettext_lazy("Gradebook")
    header_icon = "table"
    template_name = "courses/admin/cohort_gradebook.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        gradebook = selectors.cohort_gradebook(cohort=self.cohort)
        context["cohort"] = self.cohort
        context["headers"] = exports.gradebook_headers(gradebook)
        context["table"] = exports.gradebook_table(gradebook)
        context["may_formgrade"] = formgrader_may_open(
            user=self.request.user, cohort=self.cohort
        )
        return context


@require_GET
def cohort_gradebook_download(request, pk: int, fmt: str):
    """The gradebook as a CSV or XLSX file."""
    cohort = cohort_or_404(request, pk)
    gradebook = selectors.cohort_gradebook(cohort=cohort)
    write = exports.gradebook_xlsx if fmt == "xlsx" else exports.gradebook_csv
    name = f"gradebook-{cohort.lab_course_id}-{timezone.localdate():%Y%m%d}.{fmt}"
    return exports.download(write(gradebook), filename=name)


class FormgraderView(CohortAdminPage):
    """Opens the cohort's nbgrader formgrader on the hub: prepares its course
    and starts its server (this page reloads itself meanwhile), then goes there.
    Template: ``courses/admin/formgrader.html``; context: ``cohort``, ``state``."""

    page_title = gettext_lazy("Formgrader")
    header_icon = "edit"
    template_name = "courses/admin/formgrader.html"

    def get(self, request, *args, **kwargs):
        try:
            self.state = formgrader_open(
                cohort=self.cohort, user=request.user, retry="retry" in request.GET
            )
        except ServiceError as error:
            messages.error(request, error.message)
            return redirect("cohort_gradebook", self.cohort.pk)
        if self.state.ready:
            return redirect(self.state.url)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(cohort=self.cohort, state=self.state)
        return context
