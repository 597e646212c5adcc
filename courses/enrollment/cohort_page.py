"""A cohort's page for staff: My cohorts (menu), the roster with its filters,
search, decisions on ticked people and CSV download."""

import secrets
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from courses.core.errors import ServiceError
from courses.core.exports import download, table_csv
from courses.enrollment.admin import cohort_buttons
from courses.enrollment.admin_forms import RosterActionForm, RosterFilterForm
from courses.enrollment.admin_views import CohortAdminPage, cohort_or_404
from courses.enrollment.roster import (
    my_cohorts,
    roster_chosen,
    roster_enrollments,
    roster_table,
)
from courses.enrollment.roster_actions import ACTIONS, roster_act

ALREADY_SENT = gettext_lazy("This form was already sent: nothing done again.")
NOBODY_TICKED = gettext_lazy("Tick at least one person on the roster.")
PAGE_SIZE = 50
USED_TOKENS = "roster_tokens_used"  # session key: forms already acted on
KEEP = ("status", "q", "p")  # the roster's place, kept across an action


class MyCohortsView(WagtailAdminTemplateMixin, TemplateView):
    """The cohorts the person manages, each linking to its roster. Template:
    ``courses/admin/my_cohorts.html``; context: ``cohorts``."""

    page_title = gettext_lazy("My cohorts")
    header_icon = "group"
    template_name = "courses/admin/my_cohorts.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cohorts"] = my_cohorts(user=self.request.user)
        return context


def _filtered(request, cohort):
    form = RosterFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    return form, roster_enrollments(
        cohort=cohort, status=data.get("status", ""), query=data.get("q", "")
    )


class CohortRosterView(CohortAdminPage):
    """Everyone in a cohort (``Enrollment``), filtered, searched and paginated,
    with the slices' columns and the decisions on ticked people. Template:
    ``courses/admin/cohort_roster.html``; context: ``cohort``, ``filters``,
    ``headers``, ``rows``, ``page_obj``, ``form``, ``buttons``."""

    page_title = gettext_lazy("Roster")
    header_icon = "user"
    template_name = "courses/admin/cohort_roster.html"

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("my_cohorts"), "label": _("My cohorts")},
            {"url": "", "label": str(self.cohort)},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters, enrollments = _filtered(self.request, self.cohort)
        page = Paginator(enrollments, PAGE_SIZE).get_page(self.request.GET.get("p"))
        headers, rows = roster_table(cohort=self.cohort, enrollments=list(page))
        form = RosterActionForm(
            actions=ACTIONS, initial={"token": secrets.token_urlsafe(16)}
        )
        context.update(
            cohort=self.cohort,
            filters=filters,
            headers=headers,
            rows=rows,
            page_obj=page,
            form=form,
            buttons=[
                b for b in cohort_buttons(self.cohort) if b.url != self.request.path
            ],
            keep={k: self.request.GET.get(k, "") for k in KEEP},
        )
        return context


def _first_use(request, token: str) -> bool:
    """Whether this form's token is new; remembers it (the last 50)."""
    used = request.session.get(USED_TOKENS, [])
    if token in used:
        return False
    request.session[USED_TOKENS] = [*used, token][-50:]
    return True


def _report(request, action: str, outcome) -> None:
    if outcome.done:
        messages.success(
            request,
            ngettext(
                "%(action)s: done for %(count)d person.",
                "%(action)s: done for %(count)d people.",
                len(outcome.done),
            )
            % {"action": ACTIONS[action].label, "count": len(outcome.done)},
        )
    for line in outcome.refused:
        messages.warning(request, line)


def _act(request, cohort, form) -> None:
    data = form.cleaned_data
    if not _first_use(request, data["token"]):
        messages.warning(request, ALREADY_SENT)
        return
    ids = request.POST.getlist("id")
    chosen = roster_chosen(user=request.user, cohort=cohort, ids=ids)
    if not chosen:
        messages.error(request, NOBODY_TICKED)
        return
    try:
        outcome = roster_act(
            action=data["action"],
            enrollments=chosen,
            actor=request.user,
            message=data["message"],
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return
    _report(request, data["action"], outcome)


@require_POST
def cohort_roster_act(request, pk: int):
    """Apply the chosen decision to the ticked people, then back to the roster."""
    cohort = cohort_or_404(request, pk)
    form = RosterActionForm(request.POST, actions=ACTIONS)
    if form.is_valid():
        _act(request, cohort, form)
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    keep = {k: request.POST[k] for k in KEEP if request.POST.get(k)}
    url = reverse("cohort_roster", args=[cohort.pk])
    return redirect(f"{url}?{urlencode(keep)}" if keep else url)


@require_GET
def cohort_roster_csv(request, pk: int):
    """The roster as filtered and searched, every page, as a CSV file."""
    cohort = cohort_or_404(request, pk)
    _filters, enrollments = _filtered(request, cohort)
    headers, rows = roster_table(cohort=cohort, enrollments=list(enrollments))
    data = table_csv(headers, [row.values for row in rows])
    name = f"roster-{cohort.lab_course_id}-{timezone.localdate():%Y%m%d}.csv"
    return download(data, filename=name)
