"""The talent pipeline dashboard in the Wagtail admin (menu "Talent pipeline").

City administrators (superusers, or people allowed to view the talent
programme) see the whole city; programme staff see their institutions; anyone
else is refused. Figures: ``selectors.pipeline``; tables: ``courses.reporting.figures``.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from courses.core.exports import download, table_csv, tables_xlsx
from courses.reporting.charts import year_chart
from courses.reporting.choices import dashboard_choices, dashboard_scope_of
from courses.reporting.figures import figure_tables
from courses.reporting.pipeline import pipeline_figures

FORMATS = ("csv", "xlsx")  # exports.download types the file by its extension


class PipelineFilterForm(forms.Form):
    year = forms.TypedChoiceField(
        label=gettext_lazy("Year"), coerce=int, required=False, empty_value=None
    )
    track = forms.ChoiceField(label=gettext_lazy("Track"), required=False)
    institution = forms.ChoiceField(label=gettext_lazy("Institution"), required=False)

    def __init__(self, data, *, choices: dict[str, list]):
        super().__init__(data)
        every = ("", gettext_lazy("All"))
        self.fields["year"].choices = [every, *((y, y) for y in choices["years"])]
        self.fields["track"].choices = [every, *choices["tracks"]]
        self.fields["institution"].choices = [every, *choices["institutions"]]

    def filter(self) -> dict:
        """The chosen year, track and institution; None for each one not chosen
        (or not valid)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or None for name in self.fields}


def _scope_or_refuse(request):
    scope = dashboard_scope_of(request.user)
    if scope == []:
        raise PermissionDenied
    return scope


def _figures(request, scope):
    form = PipelineFilterForm(request.GET, choices=dashboard_choices(scope=scope))
    return form, pipeline_figures(**form.filter(), scope=scope)


class PipelineDashboardView(WagtailAdminTemplateMixin, TemplateView):
    """Trained talents against the targets, by track, year and institution; the
    funnel and the forecast; each table downloadable. Template:
    ``courses/admin/pipeline_dashboard.html``; context: ``form``, ``figures``,
    ``tables``, ``chart``, ``query``."""

    page_title = gettext_lazy("Talent pipeline")
    header_icon = "pick"
    template_name = "courses/admin/pipeline_dashboard.html"

    def dispatch(self, request, *args, **kwargs):
        self.scope = _scope_or_refuse(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": gettext_lazy("Home")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, figures = _figures(self.request, self.scope)
        context.update(
            form=form,
            figures=figures,
            tables=figure_tables(figures),
            chart=year_chart(figures.years, selected=figures.year),
            query=self.request.GET.urlencode(),
            scoped=self.scope is not None,
        )
        return context


@require_GET
def pipeline_export(request, table: str, fmt: str) -> HttpResponse:
    """One table (or ``all``, as a workbook) of the dashboard for the same filter."""
    if fmt not in FORMATS:
        raise Http404
    _form, figures = _figures(request, _scope_or_refuse(request))
    tables = figure_tables(figures)
    chosen = list(tables.values()) if table == "all" else [tables.get(table)]
    if None in chosen or (table == "all" and fmt != "xlsx"):
        raise Http404
    if fmt == "csv":
        data = table_csv(chosen[0].headers, chosen[0].rows)
    else:
        data = tables_xlsx([(t.title, t.headers, t.rows) for t in chosen])
    name = f"talent-pipeline-{table}-{timezone.localdate():%Y%m%d}.{fmt}"
    return download(data, filename=name)


def dashboard_urls():
    return [
        path("talent-pipeline/", PipelineDashboardView.as_view(), name="pipeline"),
        path(
            "talent-pipeline/<slug:table>.<str:fmt>",
            pipeline_export,
            name="pipeline_export",
        ),
    ]


class PipelineMenuItem(MenuItem):
    def is_shown(self, request):
        return dashboard_scope_of(request.user) != []


def pipeline_menu_item() -> MenuItem:
    return PipelineMenuItem(
        gettext_lazy("Talent pipeline"),
        reverse("pipeline"),
        icon_name="pick",
        order=205,
    )
