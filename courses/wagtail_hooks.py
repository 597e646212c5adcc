from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet

from courses.admin_views import (
    LabServersView,
    assignment_preview,
    assignment_release_now,
    lab_server_stop,
    submission_download,
)
from courses.bulk_actions import ApproveBulkAction, RejectBulkAction, WithdrawBulkAction
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
    ]


class AdministratorMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_admin_menu_item")
def register_lab_menu_item():
    return AdministratorMenuItem(
        _("Labs"), reverse("lab_servers"), icon_name="code", order=220
    )
