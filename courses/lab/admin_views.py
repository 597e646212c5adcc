"""Administrators' view of the running lab servers."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from courses.jupyter import HubError, HubUnavailable
from courses.lab import services as lab


def _shown_time(moment: dt.datetime) -> str:
    """``moment`` as the reader reads it: their zone, their language's format."""
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _administrators_only(request) -> None:
    if not request.user.is_superuser:
        raise PermissionDenied


class LabServersView(WagtailAdminTemplateMixin, TemplateView):
    """Who has a lab server, running or not, and when each was last active.

    Template: ``courses/admin/lab_servers.html``; context: ``servers``, ``error``.
    """

    page_title = gettext_lazy("Labs")
    header_icon = "code"
    template_name = "courses/admin/lab_servers.html"

    def dispatch(self, request, *args, **kwargs):
        _administrators_only(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            context["servers"], context["error"] = lab.lab_servers(), ""
        except (HubUnavailable, HubError) as error:
            context["servers"], context["error"] = [], str(error)
        return context


@require_POST
def lab_server_stop(request, username: str):
    """Stop one person's lab server. POST only; administrators only."""
    _administrators_only(request)
    person = get_object_or_404(get_user_model(), username=username)
    try:
        lab.lab_server_stop(user=person)
    except (HubUnavailable, HubError) as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("The lab server of %(name)s is stopping.") % {"name": person}
        )
    return redirect("lab_servers")
