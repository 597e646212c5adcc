"""Wagtail admin for the plain models: cohorts, rosters, invitations, targets."""

from django.db.models import Count
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log
from wagtail.permissions import policy_registry
from wagtail.snippets.views import chooser as snippet_choosers
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from courses import selectors, services
from courses.admin_completion import RequiredAssignmentDeleteMixin, completion_button
from courses.admin_filters import (
    AssignmentFilterSet,
    EnrollmentFilterSet,
    InvitationFilterSet,
    SubmissionFilterSet,
)
from courses.admin_forms import (
    AssignmentForm,
    CohortForm,
    InstitutionForm,
    InvitationForm,
    ManualGradeForm,
)
from courses.models import (
    Assignment,
    Cohort,
    Enrollment,
    Institution,
    Invitation,
    Submission,
    TalentProgramme,
    TalentTarget,
)
from courses.services.roles import institution_editors_sync


class ScopedIndexView(generic.IndexView):
    """Lists only what the permission policy lets this user act on."""

    def get_base_queryset(self):
        return self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ["view", "change"]
        )


class ScopedObjectMixin:
    """Object views find objects only within the user's scope (404 otherwise).

    Not through ``get_queryset``: the history and usage views list log entries
    and references with it, not objects of the model.
    """

    def _scope(self):
        return self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ["view", "change"]
        )

    def get_base_object_queryset(self):  # history, usage
        return self._scope()

    def get_object(self, *args, **kwargs):  # edit, delete, inspect: by model
        obj = super().get_object(*args, **kwargs)
        if not self._scope().filter(pk=obj.pk).exists():
            raise Http404
        return obj


def scoped(view_class, **attrs):
    name = f"Scoped{view_class.__name__}"
    return type(name, (ScopedObjectMixin, view_class), attrs)


def scoped_read(view_class):
    """History and usage: for whoever may see the object, also read-only records
    (Wagtail asks for "change", which nobody has on enrolments)."""
    return scoped(
        view_class, permission_required=None, any_permission_required=["view", "change"]
    )


class ScopedViews:
    """Viewset attributes: every object view limited to the user's cohorts."""

    index_view_class = ScopedIndexView
    edit_view_class = scoped(generic.EditView)
    delete_view_class = scoped(generic.DeleteView)
    history_view_class = scoped_read(history.HistoryView)
    usage_view_class = scoped_read(usage.UsageView)
    inspect_view_class = scoped(generic.InspectView)
    copy_view_enabled = False


class ServiceSaveMixin:
    """Saves through a service, then logs the change as Wagtail's own save would,
    so the object's history and the site history show it."""

    log_action = "wagtail.edit"

    def save_with_service(self):
        raise NotImplementedError

    def save_instance(self):
        instance = self.save_with_service()
        creating = self.log_action == "wagtail.create"
        log(
            instance=instance,
            action=self.log_action,
            user=self.request.user,
            content_changed=creating or self.form.has_changed(),
        )
        return instance


class CohortSaveMixin(ServiceSaveMixin):
    def save_with_service(self):
        return services.cohort_save(
            cohort=self.form.save(commit=False),
            instructors=self.form.cleaned_data["instructors"],
        )


class CohortCreateView(CohortSaveMixin, generic.CreateView):
    log_action = "wagtail.create"


def gradebook_button(cohort) -> Button:
    url = reverse("cohort_gradebook", args=[cohort.pk])
    return Button(_("Gradebook"), url=url, icon_name="table", priority=30)


class CohortEditView(CohortSaveMixin, ScopedObjectMixin, generic.EditView):
    @property
    def header_more_buttons(self):
        cohort = self.object
        buttons = [gradebook_button(cohort), completion_button(cohort)]
        return [*super().header_more_buttons, *buttons]


class CohortIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return selectors.cohorts_with_seats(super().get_base_queryset()).select_related(
            "course", "institution"
        )

    def get_list_more_buttons(self, instance):
        buttons = [gradebook_button(instance), completion_button(instance)]
        return [*super().get_list_more_buttons(instance), *buttons]


class CohortViewSet(ScopedViews, ModelViewSet):
    model = Cohort
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                ["course", "code", "title", "institution", "location"],
                heading=_("Course"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel(["starts_on", "ends_on"]),
                    FieldRowPanel(["enrollment_opens_at", "enrollment_closes_at"]),
                ],
                heading=_("Dates"),
            ),
            MultiFieldPanel(["seats", "mode", "is_cancelled"], heading=_("Enrolment")),
            FieldPanel("instructors"),
            MultiFieldPanel(
                [
                    "pass_mark",
                    "required_minimum",
                    "attendance_required",
                    "lab_required",
                ],
                heading=_("Completion rule"),
            ),
        ],
        base_form_class=CohortForm,
    )
    icon = "group"
    menu_label = _("Cohorts")
    index_view_class = CohortIndexView
    add_view_class = CohortCreateView
    edit_view_class = CohortEditView
    list_display = ["__str__", "course", "institution", "starts_on", "seats", "mode"]
    list_filter = ["institution", "mode", "is_cancelled"]
    search_fields = ["code", "title", "lab_course_id"]
    list_export = [
        "lab_course_id",
        "course",
        "institution",
        "starts_on",
        "ends_on",
        "seats",
        "mode",
    ]


class EnrollmentIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return selectors.with_waitlist_position(
            super().get_base_queryset()
        ).select_related("user", "cohort", "cohort__course")


class ScopedChooserMixin:
    """Chooser views offer and return only objects within the user's scope."""

    def _scope(self):
        policy = policy_registry.get_by_type(self.model_class)
        return policy.instances_user_has_any_permission_for(
            self.request.user, ["view", "change"]
        )

    def get_object_list(self):  # choose, choose results
        return self._scope()

    def get_object(self, pk):  # chosen
        return self._scope().get(pk=pk)

    def get_objects(self, pks):  # chosen multiple
        return self._scope().filter(pk__in=pks)


def scoped_chooser(view_class):
    return type(f"Scoped{view_class.__name__}", (ScopedChooserMixin, view_class), {})


class ScopedChooserViewSet(snippet_choosers.SnippetChooserViewSet):
    choose_view_class = scoped_chooser(snippet_choosers.ChooseView)
    choose_results_view_class = scoped_chooser(snippet_choosers.ChooseResultsView)
    chosen_view_class = scoped_chooser(snippet_choosers.SnippetChosenView)
    chosen_multiple_view_class = scoped_chooser(
        snippet_choosers.SnippetChosenMultipleView
    )


class EnrollmentViewSet(SnippetViewSet):
    """The roster: every enrolment of the cohorts one manages."""

    model = Enrollment
    icon = "user"
    menu_label = _("Rosters")
    index_view_class = EnrollmentIndexView
    history_view_class = scoped_read(snippet_views.HistoryView)
    usage_view_class = scoped_read(snippet_views.UsageView)
    inspect_view_class = scoped(snippet_views.InspectView)
    inspect_view_enabled = True
    copy_view_enabled = False
    chooser_viewset_class = ScopedChooserViewSet
    list_display = [
        "user",
        "cohort",
        "status",
        Column("waitlist_position", label=_("Waitlist position")),
        "created_at",
    ]
    filterset_class = EnrollmentFilterSet
    search_fields = ["user__full_name", "user__email", "user__affiliation"]
    list_export = [
        "user.full_name",
        "user.email",
        "user.affiliation",
        "cohort.lab_course_id",
        "status",
        "waitlist_position",
        "motivation",
        "created_at",
        "updated_at",
    ]
    export_headings = {
        "user.full_name": _("Name"),
        "user.email": _("Email"),
        "user.affiliation": _("Affiliation"),
        "cohort.lab_course_id": _("Cohort"),
        "waitlist_position": _("Waitlist position"),
    }
    inspect_view_fields = ["user", "cohort", "status", "motivation", "created_at"]


class InvitationCreateView(ServiceSaveMixin, generic.CreateView):
    log_action = "wagtail.create"

    def save_with_service(self):
        data = self.form.cleaned_data
        return services.invitation_create(
            cohort=data["cohort"],
            email=data["email"],
            invited_by=self.request.user,
            message=data["message"],
        )


class InvitationViewSet(ScopedViews, ModelViewSet):
    model = Invitation
    edit_handler = ObjectList(
        ["cohort", "email", "message"], base_form_class=InvitationForm
    )
    icon = "mail"
    menu_label = _("Invitations")
    add_view_class = InvitationCreateView
    list_display = ["email", "cohort", "created_at", "accepted_at"]
    filterset_class = InvitationFilterSet
    search_fields = ["email"]


class AssignmentSaveMixin(ServiceSaveMixin):
    def save_with_service(self):
        return services.assignment_save(
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
        context["progress"] = selectors.assignment_progress(assignment=assignment)
        context["attempts"] = selectors.assignment_counted_attempts(
            assignment=assignment
        )
        context["extensions"] = selectors.assignment_extensions(assignment=assignment)
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
        context["is_counted"] = selectors.submission_counts(submission=submission)
        context["grade_form"] = ManualGradeForm(rows=submission.scores.all())
        context["can_grade_by_hand"] = submission.status in (
            Submission.Status.GRADED,
            Submission.Status.MANUAL,
        )
        context["feedback_pages"] = submission.feedback.all()
        return context


def _late_word(submission) -> str:
    return _("yes") if submission.is_late else _("no")


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


class EditorsSyncMixin:
    """Staff and the catalogue page decide who writes the institution's pages."""

    def save_instance(self):
        institution = super().save_instance()
        institution_editors_sync(institution=institution)
        return institution


class InstitutionCreateView(EditorsSyncMixin, generic.CreateView):
    pass


class InstitutionEditView(EditorsSyncMixin, generic.EditView):
    pass


class InstitutionViewSet(ModelViewSet):
    model = Institution
    icon = "site"
    menu_label = _("Institutions")
    add_view_class = InstitutionCreateView
    edit_view_class = InstitutionEditView
    edit_handler = ObjectList(
        ["code", "name", "name_en", "staff", "catalogue_pages"],
        base_form_class=InstitutionForm,
    )
    list_display = ["name", "name_en", "code"]
    search_fields = ["name", "name_en", "code"]
    copy_view_enabled = False


class TalentProgrammeViewSet(ModelViewSet):
    model = TalentProgramme
    icon = "pick"
    menu_label = _("Talent programme")
    form_fields = ["name", "total_target", "start_year", "end_year"]
    list_display = ["name", "total_target", "start_year", "end_year"]
    copy_view_enabled = False


class TalentTargetViewSet(ModelViewSet):
    model = TalentTarget
    icon = "order"
    menu_label = _("Talent targets")
    form_fields = ["programme", "track", "year", "target"]
    list_display = ["track", "year", "target", "programme"]
    list_filter = ["year", "track"]
    list_export = ["programme", "track", "year", "target"]
    copy_view_enabled = False


class LearningGroup(ModelViewSetGroup):
    menu_label = _("Learning")
    menu_icon = "group"
    menu_order = 200
    items = (CohortViewSet, InvitationViewSet, AssignmentViewSet, SubmissionViewSet)


class PipelineGroup(ModelViewSetGroup):
    menu_label = _("Pipeline")
    menu_icon = "pick"
    menu_order = 210
    items = (InstitutionViewSet, TalentProgrammeViewSet, TalentTargetViewSet)
