"""The admin's cohorts, enrolments and invitations."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from courses.core.viewsets import (
    ScopedChooserViewSet,
    ScopedIndexView,
    ScopedObjectMixin,
    ScopedViews,
    ServiceSaveMixin,
    scoped,
    scoped_read,
)
from courses.enrollment.admin_filters import EnrollmentFilterSet, InvitationFilterSet
from courses.enrollment.admin_forms import CohortForm, InvitationForm
from courses.enrollment.cohorts import cohort_save
from courses.enrollment.invitations import invitation_create
from courses.enrollment.models import Cohort, Enrollment, Invitation
from courses.enrollment.selectors import cohorts_with_seats, with_waitlist_position


class CohortSaveMixin(ServiceSaveMixin):
    def save_with_service(self):
        return cohort_save(
            cohort=self.form.save(commit=False),
            instructors=self.form.cleaned_data["instructors"],
        )


class CohortCreateView(CohortSaveMixin, generic.CreateView):
    log_action = "wagtail.create"


def cohort_buttons(cohort) -> list[Button]:
    """The buttons slices above add to a cohort's row and page (gradebook,
    completion): each registers a ``cohort_buttons`` hook taking the cohort."""
    return [make(cohort) for make in hooks.get_hooks("cohort_buttons")]


class CohortEditView(CohortSaveMixin, ScopedObjectMixin, generic.EditView):
    @property
    def header_more_buttons(self):
        cohort = self.object
        buttons = cohort_buttons(cohort)
        return [*super().header_more_buttons, *buttons]


class CohortIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return cohorts_with_seats(super().get_base_queryset()).select_related(
            "course", "institution"
        )

    def get_list_more_buttons(self, instance):
        buttons = cohort_buttons(instance)
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
        return with_waitlist_position(super().get_base_queryset()).select_related(
            "user", "cohort", "cohort__course"
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
        return invitation_create(
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
