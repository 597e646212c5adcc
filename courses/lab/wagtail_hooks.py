"""The lab's admin: the running servers, for administrators."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from courses.lab.admin_views import LabServersView, lab_server_stop


@hooks.register("register_admin_urls")
def register_lab_urls():
    return [
        path("labs/", LabServersView.as_view(), name="lab_servers"),
        path("labs/<str:username>/stop/", lab_server_stop, name="lab_server_stop"),
    ]


class AdministratorMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_admin_menu_item")
def register_lab_menu_item():
    return AdministratorMenuItem(
        _("Labs"), reverse("lab_servers"), icon_name="code", order=220
    )
