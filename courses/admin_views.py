"""Admin pages that are not model listings: labs, assignment actions, downloads."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from courses import selectors
from courses.jupyter import HubError, HubUnavailable
from courses.models import AssignmentFile
from courses.services import ServiceError, lab
from courses.services.archives import archive_write
from courses.services.assignments import assignment_release


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


def _assignment_for(request, pk: int):
    return get_object_or_404(selectors.assignments_manageable_by(request.user), pk=pk)


@require_POST
def assignment_release_now(request, pk: int):
    """Release an assignment now. POST only; its cohort's staff and instructors."""
    assignment = _assignment_for(request, pk)
    try:
        assignment_release(assignment=assignment)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(title)s is released.") % {"title": assignment})
    return redirect("assignment:inspect", pk)


def assignment_preview(request, pk: int, file_id: int):
    """The student version of one notebook, as a static page without scripts."""
    assignment = _assignment_for(request, pk)
    record = get_object_or_404(
        assignment.files.filter(kind=AssignmentFile.Kind.PREVIEW), pk=file_id
    )
    with record.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type="text/html; charset=utf-8")
    # Notebook outputs are the instructor's HTML: shown, never run, never framed.
    response["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    )
    return response


def submission_download(request, pk: int):
    """One submission's files as a zip, for its cohort's staff and instructors."""
    submission = get_object_or_404(
        selectors.submissions_manageable_by(request.user), pk=pk
    )
    files = selectors.submission_files(submission=submission)
    response = HttpResponse(archive_write(files), content_type="application/zip")
    who, what = submission.user.username, submission.assignment.name
    name = f"{what}-{who}-{submission.attempt}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
