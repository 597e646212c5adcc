"""Roster decisions on many enrolments at once: approve, reject, withdraw."""

from django.contrib import messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from courses.core.errors import ServiceError
from courses.enrollment.admin_forms import DecisionForm
from courses.enrollment.models import Enrollment
from courses.enrollment.permissions import enrollments_manageable_by
from courses.enrollment.services import (
    enrollment_approve,
    enrollment_reject,
    enrollment_withdraw,
)


class EnrollmentDecision(SnippetBulkAction):
    models = [Enrollment]
    form_class = DecisionForm
    template_name = "courses/admin/confirm_bulk_decision.html"
    service = None  # set by subclasses

    def get_actionable_objects(self):
        """Only enrolments the user manages; other ids are ignored unseen, so the
        confirmation page names nobody outside the user's cohorts."""
        enrollments = enrollments_manageable_by(self.request.user)
        ids = self.request.GET.getlist("id")
        if "all" not in ids:
            enrollments = enrollments.filter(pk__in=[i for i in ids if i.isdigit()])
        enrollments = enrollments.select_related("user", "cohort__course")
        return list(enrollments), {"items_with_no_access": []}

    def get_execution_context(self):
        return {
            **super().get_execution_context(),
            "actor": self.request.user,
            "message": self.cleaned_form.cleaned_data["message"],
        }

    @classmethod
    def execute_action(cls, objects, actor=None, message="", **kwargs):
        done, refused = 0, []
        for enrollment in objects:
            try:
                cls.apply(enrollment=enrollment, actor=actor, message=message)
            except ServiceError as error:
                refused.append(f"{enrollment.user}: {error.message}")
            else:
                done += 1
        request = kwargs["self"].request
        for line in refused:
            messages.warning(request, line)
        return done, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d enrolment updated.",
            "%(count)d enrolments updated.",
            num_parent_objects,
        ) % {"count": num_parent_objects}


class ApproveBulkAction(EnrollmentDecision):
    display_name = _("Approve")
    action_type = "approve"
    aria_label = _("Approve the selected applications")
    action_priority = 10

    @staticmethod
    def apply(*, enrollment, actor, message):
        enrollment_approve(enrollment=enrollment, actor=actor, message=message)


class RejectBulkAction(EnrollmentDecision):
    display_name = _("Reject")
    action_type = "reject"
    aria_label = _("Reject the selected applications")
    action_priority = 20
    classes = {"serious"}

    @staticmethod
    def apply(*, enrollment, actor, message):
        enrollment_reject(enrollment=enrollment, actor=actor, message=message)


class WithdrawBulkAction(EnrollmentDecision):
    display_name = _("Remove from cohort")
    action_type = "withdraw"
    aria_label = _("Remove the selected people from their cohort")
    action_priority = 30
    classes = {"serious"}

    @staticmethod
    def apply(*, enrollment, actor, message):
        enrollment_withdraw(enrollment=enrollment, actor=actor, note=message)
