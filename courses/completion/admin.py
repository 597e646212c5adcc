"""Completion in the admin: a cohort's roster against its rule (who passed, what
is left), attendance, issuing and revoking completions, re-evaluating a cohort.

Every view finds its cohort, enrolment or completion through the
``*_manageable_by`` selectors: outside one's cohorts it does not exist (404).
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.widgets.button import Button

from courses.completion.selectors.roster import (
    cohort_completion_roster,
    cohort_counts_nothing,
    completions_manageable_by,
)
from courses.completion.services.evaluate import (
    EvaluationOutcome,
    attendance_mark,
    completion_cohort_evaluate,
    completion_confirm,
    completion_issue,
    completion_revoke,
)
from courses.core.errors import ServiceError
from courses.enrollment.admin_views import CohortAdminPage, cohort_or_404
from courses.enrollment.permissions import enrollments_manageable_by


def completion_button(cohort) -> Button:
    url = reverse("cohort_completion", args=[cohort.pk])
    return Button(_("Completion"), url=url, icon_name="success", priority=40)


class CohortCompletionView(CohortAdminPage):
    """The cohort's roster against its completion rule: grade, what is left,
    attendance, each completion with its actions.

    Template: ``courses/admin/cohort_completion.html``; context: ``cohort``,
    ``rows``, ``passed``, ``required``, ``counts_nothing``.
    """

    page_title = gettext_lazy("Completion")
    header_icon = "success"
    template_name = "courses/admin/cohort_completion.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = cohort_completion_roster(cohort=self.cohort)
        context["cohort"] = self.cohort
        context["rows"] = rows
        context["passed"] = sum(
            bool(r.completion and r.completion.is_valid) for r in rows
        )
        context["required"] = self.cohort.assignments.filter(required=True)
        context["counts_nothing"] = cohort_counts_nothing(cohort=self.cohort)
        return context


def _back(cohort_id: int):
    return redirect("cohort_completion", cohort_id)


def _outcome_message(request, outcome: EvaluationOutcome, done: str) -> None:
    counts = {"issued": outcome.issued, "revoked": outcome.revoked}
    messages.success(
        request,
        done + " " + _("%(issued)d newly passed, %(revoked)d revoked.") % counts,
    )


@require_POST
def cohort_completion_evaluate(request, pk: int):
    """Apply the cohort's completion rule to everyone in it again. POST only."""
    cohort = cohort_or_404(request, pk)
    outcome = completion_cohort_evaluate(cohort=cohort)
    _outcome_message(request, outcome, _("The cohort was evaluated again."))
    return _back(cohort.pk)


@require_POST
def cohort_attendance(request, pk: int):
    """Save who attended (the ticked enrolments; the others did not). POST only."""
    cohort = cohort_or_404(request, pk)
    ticked = [v for v in request.POST.getlist("attended") if v.isdigit()]
    outcome = attendance_mark(cohort=cohort, attended=ticked)
    _outcome_message(request, outcome, _("Attendance saved."))
    return _back(cohort.pk)


@require_POST
def enrollment_completion_issue(request, pk: int):
    """Pass one person whatever the rule says, with a reason. POST only."""
    enrollment = get_object_or_404(
        enrollments_manageable_by(request.user).select_related("user"), pk=pk
    )
    try:
        completion_issue(
            enrollment=enrollment, by=request.user, reason=request.POST.get("reason")
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(name)s passed the cohort.") % {"name": enrollment.user}
        )
    return _back(enrollment.cohort_id)


@require_POST
def enrollment_completion_confirm(request, pk: int):
    """Confirm the early completion of someone who passes so far but whose
    standing is not decided yet; recorded with who and when. POST only."""
    enrollment = get_object_or_404(
        enrollments_manageable_by(request.user).select_related("user"), pk=pk
    )
    try:
        completion_confirm(enrollment=enrollment, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The completion of %(name)s is confirmed.") % {"name": enrollment.user},
        )
    return _back(enrollment.cohort_id)


@require_POST
def completion_revoke_view(request, pk: int):
    """Revoke one completion (kept on record), with a reason. POST only."""
    completion = get_object_or_404(
        completions_manageable_by(request.user).select_related("user"), pk=pk
    )
    try:
        completion_revoke(
            completion=completion, by=request.user, reason=request.POST.get("reason")
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The completion of %(name)s is revoked.") % {"name": completion.user},
        )
    return _back(completion.cohort_id)


def completion_urls():
    return [
        path(
            "cohort/<int:pk>/completion/",
            CohortCompletionView.as_view(),
            name="cohort_completion",
        ),
        path(
            "cohort/<int:pk>/completion/evaluate/",
            cohort_completion_evaluate,
            name="cohort_completion_evaluate",
        ),
        path(
            "cohort/<int:pk>/attendance/",
            cohort_attendance,
            name="cohort_attendance",
        ),
        path(
            "enrollment/<int:pk>/completion/issue/",
            enrollment_completion_issue,
            name="enrollment_completion_issue",
        ),
        path(
            "enrollment/<int:pk>/completion/confirm/",
            enrollment_completion_confirm,
            name="enrollment_completion_confirm",
        ),
        path(
            "completion/<int:pk>/revoke/",
            completion_revoke_view,
            name="completion_revoke",
        ),
    ]
