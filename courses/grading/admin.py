"""The admin's assignments and submissions."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button

from courses.core.viewsets import (
    ScopedIndexView,
    ScopedObjectMixin,
    ScopedViews,
    ServiceSaveMixin,
    scoped,
)
from courses.grading.admin_filters import AssignmentFilterSet, SubmissionFilterSet
from courses.grading.admin_forms import AssignmentForm, ManualGradeForm
from courses.grading.models import ERROR_REQUIRED_DELETE, Assignment, Submission
from courses.grading.selectors.gradebook import (
    assignment_counted_attempts,
    assignment_extensions,
    assignment_progress,
    submission_counts,
)
from courses.grading.services.assignments import assignment_delete, assignment_save


class RequiredAssignmentDeleteMixin:
    """For the assignment delete view: deletes through the service, which
    refuses an assignment marked required (the rule would ask for work that no
    longer exists) with a message, instead of an error page."""

    def run_before_hook(self):
        if self.request.method == "POST" and self.object.required:
            messages.error(self.request, str(ERROR_REQUIRED_DELETE))
            return redirect(reverse("assignment:edit", args=[self.object.pk]))
        return super().run_before_hook()

    def delete_action(self):
        assignment_delete(assignment=self.object)


class AssignmentSaveMixin(ServiceSaveMixin):
    def save_with_service(self):
        return assignment_save(
            assignment=self.form.save(commit=False),
            sources=self.form.cleaned_data["source_files"],
        )


class AssignmentCreateView(AssignmentSaveMixin, generic.CreateView):
    log_action = "wagtail.create"


class AssignmentEditView(AssignmentSaveMixin, ScopedObjectMixin, generic.EditView):
    pass


class AssignmentInspectView(ScopedObjectMixin, generic.InspectView):
    """The assignment, its grading progress, each learner's counted attempt and
    the extensions granted."""

    template_name = "courses/admin/assignment_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        assignment = self.object
        context["previews"] = assignment.files.filter(kind="preview")
        context["sources"] = assignment.files.filter(kind="source")
        context["submission_count"] = assignment.submissions.count()
        context["progress"] = assignment_progress(assignment=assignment)
        context["attempts"] = assignment_counted_attempts(assignment=assignment)
        context["extensions"] = assignment_extensions(assignment=assignment)
        return context


class AssignmentIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("cohort")
            .annotate(submission_count=Count("submissions"))
        )


class AssignmentDeleteView(RequiredAssignmentDeleteMixin, generic.DeleteView):
    pass


class AssignmentViewSet(ScopedViews, ModelViewSet):
    model = Assignment
    icon = "doc-full"
    menu_label = _("Assignments")
    index_view_class = AssignmentIndexView
    delete_view_class = scoped(AssignmentDeleteView)
    add_view_class = AssignmentCreateView
    edit_view_class = AssignmentEditView
    inspect_view_class = AssignmentInspectView
    inspect_view_enabled = True
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                ["cohort", "name", "title", "instructions"], heading=_("Assignment")
            ),
            FieldPanel("source_files"),
            MultiFieldPanel(
                [
                    FieldRowPanel(["release_at", "due_at"]),
                    "late_policy",
                    FieldRowPanel(["penalty_per_day", "penalty_cap"]),
                    "max_attempts",
                ],
                heading=_("Dates and attempts"),
            ),
            MultiFieldPanel(
                ["weight", "required", "timeout_per_cell", "reveal_hidden_tests"],
                heading=_("Grading"),
            ),
        ],
        base_form_class=AssignmentForm,
    )
    list_display = [
        "title",
        "cohort",
        "state",
        "release_at",
        "due_at",
        Column("submission_count", label=_("Submissions")),
    ]
    filterset_class = AssignmentFilterSet
    search_fields = ["name", "title"]


class SubmissionIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user", "assignment__cohort")


class SubmissionInspectView(ScopedObjectMixin, generic.InspectView):
    """A submission: its files, per-question scores, grading by hand, feedback."""

    template_name = "courses/admin/submission_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        submission = self.object
        context["is_counted"] = submission_counts(submission=submission)
        context["grade_form"] = ManualGradeForm(rows=submission.scores.all())
        context["can_grade_by_hand"] = submission.status in (
            Submission.Status.GRADED,
            Submission.Status.MANUAL,
        )
        context["feedback_pages"] = submission.feedback.all()
        return context


def _late_word(submission) -> str:
    return _("Yes") if submission.is_late else _("No")


class SubmissionViewSet(ScopedViews, ModelViewSet):
    """Who submitted what and when: the instructors' view of arrivals."""

    model = Submission
    icon = "upload"
    menu_label = _("Submissions")
    index_view_class = SubmissionIndexView
    inspect_view_enabled = True
    inspect_view_class = SubmissionInspectView
    list_display = [
        "user",
        "assignment",
        "attempt",
        "submitted_at",
        # A word, not Python's True/False.
        Column("is_late", label=_("Late"), accessor=_late_word),
        "status",
    ]
    filterset_class = SubmissionFilterSet
    search_fields = ["user__full_name", "user__email"]
    list_export = [
        "user.email",
        "assignment.name",
        "attempt",
        "submitted_at",
        "late_by",
        "status",
    ]
    ordering = ["-submitted_at"]
    form_fields = ["status"]  # never edited: the policy grants no change


def gradebook_button(cohort) -> Button:
    url = reverse("cohort_gradebook", args=[cohort.pk])
    return Button(_("Gradebook"), url=url, icon_name="table", priority=30)
