"""The audit trail in the Wagtail admin (Reports → "Audit trail"): who changed
what, when, before → after, and from which page, task or command.

Administrators see every entry, programme staff their institutions', instructors
their cohorts' (``selectors.audit``); the CSV holds the rows of the same filter.
Entries are written by django-auditlog (``courses.core.audit``).
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from auditlog.models import LogEntry
from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from courses.core.exports import download, table_csv
from courses.reporting.audit_trail import audit_entries, audit_may_read, audit_models

PER_PAGE = 50
ACTIONS = {
    LogEntry.Action.CREATE: pgettext_lazy("audit trail", "Created"),
    LogEntry.Action.UPDATE: pgettext_lazy("audit trail", "Changed"),
    LogEntry.Action.DELETE: pgettext_lazy("audit trail", "Deleted"),
}
HEADERS = [
    gettext_lazy("Time (Seoul)"),
    gettext_lazy("Person"),
    gettext_lazy("Kind of record"),
    gettext_lazy("Object"),
    gettext_lazy("Action"),
    gettext_lazy("Changes (before → after)"),
    pgettext_lazy("audit trail", "Source"),
    gettext_lazy("IP address"),
]


class AuditFilterForm(forms.Form):
    model = forms.TypedChoiceField(
        label=gettext_lazy("Kind of record"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    object = forms.CharField(
        label=gettext_lazy("Object"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Its number, or part of its name."),
    )
    person = forms.CharField(
        label=gettext_lazy("Person"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Part of a name or an email address."),
    )
    since = forms.DateField(
        label=gettext_lazy("From (day)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=gettext_lazy("Until (day)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, data):
        super().__init__(data)
        self.types = {t.pk: t for t in audit_models()}
        self.fields["model"].choices = [
            ("", gettext_lazy("All")),
            *((pk, _model_name(t, plural=True)) for pk, t in self.types.items()),
        ]

    def filter(self) -> dict:
        """The chosen filter for ``audit_entries``; what is not valid is ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "model": self.types.get(data.get("model")),
            "obj": (data.get("object") or "").strip(),
            "person": (data.get("person") or "").strip(),
            "since": data.get("since"),
            "until": data.get("until"),
        }


def _model_name(content_type: ContentType, plural: bool = False) -> str:
    model = content_type.model_class()
    if model is None:  # a model since removed from the code
        return content_type.model
    meta = model._meta
    return capfirst(meta.verbose_name_plural if plural else meta.verbose_name)


@dataclass
class AuditRow:
    time: str  # Seoul, "2026-12-04 15:40:09": sortable in a spreadsheet
    at: dt.datetime  # the page shows it in the reader's zone and language
    person: str
    record: str
    object: str
    action: str
    changes: list[str]
    source: str
    address: str

    def cells(self) -> list[str]:
        return [
            self.time,
            self.person,
            self.record,
            self.object,
            self.action,
            "\n".join(self.changes),
            self.source,
            self.address,
        ]


def _person(entry: LogEntry) -> str:
    if entry.actor is not None:
        name = entry.actor.get_full_name()
        return f"{name} <{entry.actor.email}>" if name else entry.actor.email
    return entry.actor_email or str(pgettext_lazy("audit trail", "System"))


def _shown(value) -> str:
    if value in (None, "None", ""):
        return "—"
    # auditlog stores a boolean as Python's "True"/"False": say it as a word.
    words = {"True": gettext("yes"), "False": gettext("no")}
    return words.get(str(value), str(value))


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except (AttributeError, FieldDoesNotExist):
        return name


def _changes(entry: LogEntry) -> list[str]:
    """One line per field: "field: before → after"; "field: + a, b" for people
    or groups added to a many-to-many field, "− a" for those removed."""
    model = entry.content_type.model_class()
    shown = entry.changes_display_dict if model is not None else {}
    lines = []
    for name, values in entry.changes_dict.items():
        label = _field_label(model, name)
        if isinstance(values, dict):
            sign = "+" if values.get("operation") == "add" else "−"
            lines.append(f"{label}: {sign} {', '.join(values.get('objects', []))}")
            continue
        before, after = shown.get(label, values)[:2]
        lines.append(f"{label}: {_shown(before)} → {_shown(after)}")
    return lines


def audit_row(entry: LogEntry) -> AuditRow:
    """What the page and the CSV show of one entry."""
    when = timezone.localtime(entry.timestamp, ZoneInfo(settings.TIME_ZONE))
    return AuditRow(
        time=when.strftime("%Y-%m-%d %H:%M:%S"),
        at=entry.timestamp,
        person=_person(entry),
        record=_model_name(entry.content_type),
        object=entry.object_repr,
        action=str(ACTIONS.get(entry.action, entry.get_action_display())),
        changes=_changes(entry),
        source=(entry.additional_data or {}).get("source", ""),
        address=entry.remote_addr or "",
    )


def _readable_by(request) -> None:
    if not audit_may_read(request.user):
        raise PermissionDenied


class AuditTrailView(WagtailAdminTemplateMixin, TemplateView):
    """Entries of the audit trail for a filter, 50 a page, newest first.
    Template: ``courses/admin/audit_trail.html``; context: ``form``, ``rows``,
    ``items`` (the page), ``elided_page_range``, ``query``, ``scoped``."""

    page_title = gettext_lazy("Audit trail")
    header_icon = "history"
    template_name = "courses/admin/audit_trail.html"

    def dispatch(self, request, *args, **kwargs):
        _readable_by(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": gettext_lazy("Home")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = AuditFilterForm(self.request.GET)
        entries = audit_entries(user=self.request.user, **form.filter())
        page = Paginator(entries, PER_PAGE).get_page(self.request.GET.get("p"))
        query = self.request.GET.copy()
        query.pop("p", None)
        context.update(
            form=form,
            items=page,
            rows=[audit_row(entry) for entry in page],
            elided_page_range=page.paginator.get_elided_page_range(page.number),
            query=query.urlencode(),
            scoped=not self.request.user.is_superuser,
        )
        return context


@require_GET
def audit_trail_csv(request) -> HttpResponse:
    """The entries of the same filter as the page, every page, as CSV (cells
    made safe for spreadsheets by ``exports.table_csv``)."""
    _readable_by(request)
    form = AuditFilterForm(request.GET)
    entries = audit_entries(user=request.user, **form.filter())
    rows = [audit_row(entry).cells() for entry in entries.iterator(chunk_size=500)]
    data = table_csv([str(h) for h in HEADERS], rows)
    return download(data, filename=f"audit-trail-{timezone.localdate():%Y%m%d}.csv")


def audit_urls():
    return [
        path("audit-trail/", AuditTrailView.as_view(), name="audit_trail"),
        path("audit-trail.csv", audit_trail_csv, name="audit_trail_csv"),
    ]


class AuditMenuItem(MenuItem):
    def is_shown(self, request):
        return audit_may_read(request.user)


def audit_menu_item() -> MenuItem:
    return AuditMenuItem(
        gettext_lazy("Audit trail"),
        reverse("audit_trail"),
        name="audit-trail",
        icon_name="history",
        order=1050,
    )
