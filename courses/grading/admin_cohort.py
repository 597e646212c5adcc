"""A cohort's grading pages in the admin: gradebook and its downloads,
extensions, the formgrader."""

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django.views.generic import FormView

from courses.core.errors import ServiceError
from courses.core.exports import download
from courses.enrollment.admin_views import CohortAdminPage, cohort_or_404
from courses.grading.admin_forms import ExtensionForm
from courses.grading.admin_views import (
    AssignmentAdminPage,
)
from courses.grading.exports import (
    gradebook_csv,
    gradebook_headers,
    gradebook_table,
    gradebook_xlsx,
)
from courses.grading.selectors.gradebook import cohort_gradebook
from courses.grading.services.formgrader import formgrader_may_open, formgrader_open
from courses.grading.services.hand_grading import (
    extension_grant,
)
from courses.lab.admin_views import _shown_time


class ExtensionGrantView(AssignmentAdminPage, FormView):
    """Grant one learner of the cohort a later due date (``extension_grant``).
    Template: ``courses/admin/extension_form.html``; context: ``form``,
    ``assignment``."""

    page_title = gettext_lazy("Grant an extension")
    header_icon = "date"
    template_name = "courses/admin/extension_form.html"
    form_class = ExtensionForm

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


class CohortGradebookView(CohortAdminPage):
    """Learners × assignments of a cohort with weighted totals; CSV and XLSX
    downloads. Template: ``courses/admin/cohort_gradebook.html``; context:
    ``cohort``, ``headers``, ``table``."""

    page_title = gettext_lazy("Gradebook")
    header_icon = "table"
    template_name = "courses/admin/cohort_gradebook.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        gradebook = cohort_gradebook(cohort=self.cohort)
        context["cohort"] = self.cohort
        context["headers"] = gradebook_headers(gradebook)
        context["table"] = gradebook_table(gradebook)
        context["may_formgrade"] = formgrader_may_open(
            user=self.request.user, cohort=self.cohort
        )
        return context


@require_GET
def cohort_gradebook_download(request, pk: int, fmt: str):
    """The gradebook as a CSV or XLSX file."""
    cohort = cohort_or_404(request, pk)
    gradebook = cohort_gradebook(cohort=cohort)
    write = gradebook_xlsx if fmt == "xlsx" else gradebook_csv
    name = f"gradebook-{cohort.lab_course_id}-{timezone.localdate():%Y%m%d}.{fmt}"
    return download(write(gradebook), filename=name)


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
