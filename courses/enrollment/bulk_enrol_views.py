"""Enrolling a list of people from a file: upload → preview → confirm → report.

The uploaded rows wait in the cache under a token made for that one upload; the
token names the preview, its confirmation and its report. A confirmation sent
twice (a double click, the back button) applies the list once: the first claims
the token, the second is shown the first one's report.
"""

import secrets

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django.views.generic import FormView

from courses.core.errors import ServiceError
from courses.core.exports import download, table_csv
from courses.enrollment.admin_views import CohortAdminPage, cohort_or_404
from courses.enrollment.bulk_enrol import (
    CHANGING,
    Outcome,
    bulk_enrol_counts,
    bulk_enrol_plan,
    bulk_enrol_refusal,
)
from courses.enrollment.bulk_enrol_files import (
    MAX_BYTES,
    BulkFileError,
    PersonRow,
    people_read,
)
from courses.enrollment.bulk_enrol_services import enrollment_bulk_create

# An upload, its preview and its report stay a day: long enough to check the
# list with someone, short enough not to keep people's addresses around.
KEPT_SECONDS = 24 * 60 * 60
ROWS_PER_PAGE = 500


class BulkEnrolForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("List of people (CSV or Excel XLSX)"),
        help_text=gettext_lazy(
            "The first row names the columns: 'email' or '이메일', optionally "
            "'name' or '이름'; other columns are ignored. At most 5 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:  # before reading it into memory
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB: split it into smaller lists.")
                % {"size": MAX_BYTES // (1024 * 1024)}
            )
        try:
            return upload.name, people_read(name=upload.name, data=upload.read())
        except BulkFileError as error:
            raise forms.ValidationError(error.message) from None


# The uploads waiting in the cache ---------------------------------------------


def _key(token: str, part: str) -> str:
    return f"bulk-enrol:{token}:{part}"


def _upload_keep(*, cohort, user, name: str, rows: list[PersonRow]) -> str:
    token = secrets.token_urlsafe(16)
    stored = {
        "cohort": cohort.pk,
        "user": user.pk,
        "name": name,
        "at": timezone.now(),
        "rows": [(row.number, row.email, row.name) for row in rows],
    }
    cache.set(_key(token, "upload"), stored, KEPT_SECONDS)
    return token


def _upload(request, cohort, token: str) -> dict:
    """The stored upload, only for the person who made it and its cohort."""
    stored = cache.get(_key(token, "upload"))
    if stored is None:
        raise Http404(_("This upload has expired: upload the file again."))
    if (stored["cohort"], stored["user"]) != (cohort.pk, request.user.pk):
        raise Http404
    stored["rows"] = [PersonRow(*values) for values in stored["rows"]]
    return stored


# The pages ------------------------------------------------------------------------


class BulkEnrolUploadView(CohortAdminPage, FormView):
    """Upload a list for the cohort. Template:
    ``courses/admin/bulk_enrol_upload.html``; context: ``cohort``, ``form``,
    ``refusal``."""

    page_title = gettext_lazy("Enrol from a file")
    header_icon = "upload"
    template_name = "courses/admin/bulk_enrol_upload.html"
    form_class = BulkEnrolForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(cohort=self.cohort, refusal=bulk_enrol_refusal(self.cohort))
        return context

    def form_valid(self, form):
        name, rows = form.cleaned_data["file"]
        token = _upload_keep(
            cohort=self.cohort, user=self.request.user, name=name, rows=rows
        )
        return redirect("cohort_bulk_enrol_preview", self.cohort.pk, token)


class BulkEnrolRowsPage(CohortAdminPage):
    """A page listing an upload's rows, a page of them at a time."""

    def dispatch(self, request, *args, token: str, **kwargs):
        self.token = token
        return super().dispatch(request, *args, **kwargs)

    def rows_context(self, plans) -> dict:
        shown = self.request.GET.get("outcome")
        if shown in Outcome.values:
            plans = [plan for plan in plans if plan.outcome == shown]
        page = Paginator(plans, ROWS_PER_PAGE).get_page(self.request.GET.get("p"))
        return {"page": page, "shown": shown, "token": self.token}


class BulkEnrolPreviewView(BulkEnrolRowsPage):
    """What each row would do (GET) and applying it (POST). Template:
    ``courses/admin/bulk_enrol_preview.html``; context: ``cohort``, ``upload``,
    ``counts``, ``changes``, ``refusal``, ``page``, ``shown``, ``token``."""

    page_title = gettext_lazy("Check the list before enrolling")
    header_icon = "list-ul"
    template_name = "courses/admin/bulk_enrol_preview.html"

    def get(self, request, *args, **kwargs):
        if cache.get(_key(self.token, "used")):
            return redirect("cohort_bulk_enrol_result", self.cohort.pk, self.token)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        upload = _upload(self.request, self.cohort, self.token)
        plans = bulk_enrol_plan(cohort=self.cohort, rows=upload["rows"])
        counts = bulk_enrol_counts(plans)
        context.update(self.rows_context(plans), cohort=self.cohort, upload=upload)
        context.update(
            counts=_labelled(counts), refusal=bulk_enrol_refusal(self.cohort)
        )
        context["changes"] = sum(counts[outcome] for outcome in CHANGING)
        return context

    def post(self, request, *args, **kwargs):
        upload = _upload(request, self.cohort, self.token)
        # cache.add is atomic: of two confirmations, one claims the token.
        if not cache.add(_key(self.token, "used"), True, KEPT_SECONDS):
            messages.warning(
                request, _("This list was already applied; nothing was done again.")
            )
            return redirect("cohort_bulk_enrol_result", self.cohort.pk, self.token)
        try:
            plans = enrollment_bulk_create(
                cohort=self.cohort, rows=upload["rows"], actor=request.user
            )
        except (ServiceError, IntegrityError) as error:
            cache.delete(_key(self.token, "used"))
            messages.error(request, _refused_text(error))
            return redirect("cohort_bulk_enrol_preview", self.cohort.pk, self.token)
        cache.set(_key(self.token, "result"), plans, KEPT_SECONDS)
        messages.success(request, _("The list was applied."))
        return redirect("cohort_bulk_enrol_result", self.cohort.pk, self.token)


class BulkEnrolResultView(BulkEnrolRowsPage):
    """What applying the list did, row by row. Template:
    ``courses/admin/bulk_enrol_result.html``; context: ``cohort``, ``upload``,
    ``counts``, ``pending``, ``page``, ``shown``, ``token``."""

    page_title = gettext_lazy("Enrolment from a file: report")
    header_icon = "doc-full"
    template_name = "courses/admin/bulk_enrol_result.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        upload = _upload(self.request, self.cohort, self.token)
        plans = cache.get(_key(self.token, "result"))
        context.update(cohort=self.cohort, upload=upload, pending=plans is None)
        if plans is None and not cache.get(_key(self.token, "used")):
            raise Http404  # not confirmed yet: the preview is the page to see
        plans = plans or []
        context.update(self.rows_context(plans))
        context["counts"] = _labelled(bulk_enrol_counts(plans))
        return context


@require_GET
def bulk_enrol_result_csv(request, pk: int, token: str):
    """The report as CSV; cells are made inert for spreadsheet programs."""
    cohort = cohort_or_404(request, pk)
    _upload(request, cohort, token)
    plans = cache.get(_key(token, "result"))
    if plans is None:
        raise Http404
    headers = [_("Row"), _("E-mail"), _("Name"), _("Outcome"), _("Note")]
    rows = [
        [p.row.number, p.row.email, p.row.name, p.outcome_label, p.note] for p in plans
    ]
    name = f"enrolment-{cohort.lab_course_id}-{timezone.localdate():%Y%m%d}.csv"
    return download(table_csv(headers, rows), filename=name)


def _labelled(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    return [(outcome, Outcome(outcome).label, n) for outcome, n in counts.items()]


def _refused_text(error: Exception) -> str:
    if isinstance(error, ServiceError):
        return error.message
    return _(
        "The roster changed while the list was applied: check it and confirm again."
    )
