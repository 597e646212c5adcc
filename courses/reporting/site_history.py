"""The Site history report, narrowed to what each person may manage.

Wagtail's report shows every log entry of a model to anyone holding any permission
on it; programme staff and instructors hold model permissions for every cohort, so
they would read other institutions' history. This view lists only entries about
objects in their scope (``courses.selectors.permissions``).
"""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.auth import require_admin_access
from wagtail.admin.filters import ContentTypeFilter
from wagtail.admin.views.reports.audit_logging import (
    LogEntriesView,
    SiteHistoryReportFilterSet,
)
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import ModelLogEntry, PageLogEntry

from courses.core.models import Institution
from courses.core.permissions import institutions_of, pages_editable_by
from courses.enrollment.models import Cohort, Enrollment, Invitation
from courses.enrollment.permissions import (
    cohorts_manageable_by,
    enrollments_manageable_by,
    invitations_manageable_by,
)
from courses.grading.models import Assignment, Submission
from courses.grading.permissions import (
    assignments_manageable_by,
    submissions_manageable_by,
)


def _viewable_entries(user) -> list:
    return [
        log_entries_viewable_by(user, log_model)
        for log_model in log_action_registry.get_log_entry_models()
    ]


def _content_types(request):
    ids = set()
    for entries in _viewable_entries(request.user):
        ids.update(entries.get_content_type_ids())
    return ContentType.objects.filter(pk__in=ids).order_by("model")


class ScopedSiteHistoryFilterSet(SiteHistoryReportFilterSet):
    """Filter choices (people, types, actions) taken from the visible entries."""

    object_type = ContentTypeFilter(
        label=_("Type"), method="filter_object_type", queryset=_content_types
    )

    def get_action_choices(self):
        actions = set()
        for entries in _viewable_entries(self.request.user):
            actions.update(entries.get_actions())
        choices = log_action_registry.get_choices()
        return [choice for choice in choices if choice[0] in actions]

    def get_users_queryset(self):
        ids = set()
        for entries in _viewable_entries(self.request.user):
            ids.update(entries.get_user_ids())
        User = get_user_model()
        return User.objects.filter(pk__in=ids).order_by(User.USERNAME_FIELD)

    def get_user_choices(self):
        return self.get_users_queryset()


class ScopedSiteHistoryView(LogEntriesView):
    """Wagtail's Site history with each log model's entries scoped to the user."""

    filterset_class = ScopedSiteHistoryFilterSet

    def get_filtered_queryset(self):
        # As Wagtail's own: one values() query per log model, filtered, then a union.
        self.log_models = list(log_action_registry.get_log_entry_models())
        queryset = None
        for index, log_model in enumerate(self.log_models):
            entries = (
                log_entries_viewable_by(self.request.user, log_model)
                .values("pk", "timestamp")
                .annotate(log_model_index=Value(index, output_field=IntegerField()))
            )
            entries = self.filter_queryset(entries).order_by()
            queryset = (
                entries if queryset is None else queryset.union(entries, all=True)
            )
        return queryset.order_by("-timestamp")


def site_history_urls():
    """Served in place of Wagtail's report (lms/urls.py puts them first), behind
    the admin's own sign-in check, as Wagtail's admin URLs are."""
    view = ScopedSiteHistoryView.as_view
    return [
        path("", require_admin_access(view())),
        path("results/", require_admin_access(view(results_only=True))),
    ]


def _logged_scopes():
    return [
        (Cohort, cohorts_manageable_by),
        (Enrollment, enrollments_manageable_by),
        (Invitation, invitations_manageable_by),
        (Assignment, assignments_manageable_by),
        (Submission, submissions_manageable_by),
        (Institution, institutions_of),
    ]


def log_entries_viewable_by(user, log_model) -> QuerySet:
    """Admin log entries (``ModelLogEntry`` or ``PageLogEntry``) about objects
    ``user`` may manage; administrators see them all."""
    entries = log_model.objects.all()
    if user.is_active and user.is_superuser:
        return entries
    if issubclass(log_model, PageLogEntry):
        return entries.filter(page__in=pages_editable_by(user).values("pk"))
    if not issubclass(log_model, ModelLogEntry):
        return entries.none()
    # Log entries keep the object id as text, so the scope's keys are cast to match.
    visible = Q(pk__in=[])
    for model, scope in _logged_scopes():
        keys = scope(user).annotate(key=Cast("pk", CharField())).values("key")
        content_type = ContentType.objects.get_for_model(model)
        visible |= Q(content_type=content_type, object_id__in=keys)
    return entries.filter(visible)
