from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import Page
from wagtail.snippets.models import register_snippet

from courses.admin_completion import completion_urls
from courses.admin_dashboard import dashboard_urls, pipeline_menu_item
from courses.admin_views import (
    AssignmentRegradeView,
    CohortGradebookView,
    ExtensionGrantView,
    FormgraderView,
    LabServersView,
    assignment_feedback_release,
    assignment_preview,
    assignment_progress,
    assignment_release_now,
    cohort_gradebook_download,
    lab_server_stop,
    submission_download,
    submission_feedback_page,
    submission_feedback_release,
    submission_grade_by_hand,
    submission_regrade,
)
from courses.bulk_actions import ApproveBulkAction, RejectBulkAction, WithdrawBulkAction
from courses.progress_page import progress_page_serve
from courses.selectors.permissions import page_is_institution_root
from courses.viewsets import EnrollmentViewSet, LearningGroup, PipelineGroup


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [LearningGroup(), PipelineGroup()]


register_snippet(EnrollmentViewSet)

for action in (ApproveBulkAction, RejectBulkAction, WithdrawBulkAction):
    hooks.register("register_bulk_action", action)


@hooks.register("register_admin_urls")
def register_lab_urls():
    return [
        path("labs/", LabServersView.as_view(), name="lab_servers"),
        path("labs/<str:username>/stop/", lab_server_stop, name="lab_server_stop"),
        path(
            "assignment/<int:pk>/release-now/",
            assignment_release_now,
            name="assignment_release_now",
        ),
        path(
            "assignment/<int:pk>/preview/<int:file_id>/",
            assignment_preview,
            name="assignment_preview",
        ),
        path(
            "submission/<int:pk>/download/",
            submission_download,
            name="submission_download",
        ),
        *grading_urls(),
        *dashboard_urls(),
        *completion_urls(),
    ]


def grading_urls():
    """Grading progress and actions, extensions, feedback, the gradebook."""
    return [
        path(
            "assignment/<int:pk>/progress/",
            assignment_progress,
            name="assignment_progress",
        ),
        path(
            "assignment/<int:pk>/regrade/",
            AssignmentRegradeView.as_view(),
            name="assignment_regrade",
        ),
        path(
            "assignment/<int:pk>/release-feedback/",
            assignment_feedback_release,
            name="assignment_feedback_release",
        ),
        path(
            "assignment/<int:pk>/extensions/new/",
            ExtensionGrantView.as_view(),
            name="assignment_extension_grant",
        ),
        path(
            "submission/<int:pk>/regrade/",
            submission_regrade,
            name="submission_regrade",
        ),
        path(
            "submission/<int:pk>/release-feedback/",
            submission_feedback_release,
            name="submission_feedback_release",
        ),
        path(
            "submission/<int:pk>/grade-by-hand/",
            submission_grade_by_hand,
            name="submission_grade_by_hand",
        ),
        path(
            "submission/<int:pk>/feedback/<int:feedback_id>/",
            submission_feedback_page,
            name="submission_feedback_page",
        ),
        path(
            "cohort/<int:pk>/formgrader/",
            FormgraderView.as_view(),
            name="cohort_formgrader",
        ),
        path(
            "cohort/<int:pk>/gradebook/",
            CohortGradebookView.as_view(),
            name="cohort_gradebook",
        ),
        path(
            "cohort/<int:pk>/gradebook.csv",
            cohort_gradebook_download,
            {"fmt": "csv"},
            name="cohort_gradebook_csv",
        ),
        path(
            "cohort/<int:pk>/gradebook.xlsx",
            cohort_gradebook_download,
            {"fmt": "xlsx"},
            name="cohort_gradebook_xlsx",
        ),
    ]


class AdministratorMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_admin_menu_item")
def register_lab_menu_item():
    return AdministratorMenuItem(
        _("Labs"), reverse("lab_servers"), icon_name="code", order=220
    )


hooks.register("register_admin_menu_item", pipeline_menu_item)
hooks.register("before_serve_page", progress_page_serve)


# The audit trail (courses/admin_audit.py): Reports → "Audit trail".
@hooks.register("register_admin_urls")
def register_audit_urls():
    # deferred: no cycle today; could move to the top (issue 17)
    from courses.admin_audit import audit_urls

    return audit_urls()


@hooks.register("register_reports_menu_item")
def register_audit_menu_item():
    # deferred: no cycle today; could move to the top (issue 17)
    from courses.admin_audit import audit_menu_item

    return audit_menu_item()


ERROR_INSTITUTION_ROOT = _(
    "This page holds an institution's catalogue: only an administrator may delete it."
)


def _refuses_root_delete(request, pages) -> bool:
    """Institution editors may change their subtree's root but never delete it:
    their page permissions alone would let them when it has no children."""
    if request.user.is_superuser:
        return False
    return any(page_is_institution_root(page) for page in pages)


@hooks.register("before_delete_page")
def keep_institution_root(request, page):
    if _refuses_root_delete(request, [page]):
        messages.error(request, ERROR_INSTITUTION_ROOT)
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("before_bulk_action")
def keep_institution_roots_in_bulk(request, action_type, objects, action):
    pages = [obj for obj in objects if isinstance(obj, Page)]
    if action_type == "delete" and _refuses_root_delete(request, pages):
        messages.error(request, ERROR_INSTITUTION_ROOT)
        return redirect(action.next_url)
    return None
