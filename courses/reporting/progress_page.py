"""The public progress page (``ProgressPage``): the pipeline's figures for
everyone, counted live, for an optional ?year= and ?track= (never an
institution), small counts suppressed, and never kept in the anonymous page
cache (a revoked completion must leave the page at once)."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from courses.catalogue.models import ProgressPage
from courses.reporting.charts import year_chart
from courses.reporting.choices import dashboard_choices
from courses.reporting.figures import suppressed
from courses.reporting.pipeline import pipeline_figures, this_year

ERROR_FILTER = _(
    "There is no such year or track to show: these are the figures of every "
    "year and track."
)


class ProgressFilterForm(forms.Form):
    year = forms.TypedChoiceField(
        label=_("Year"), coerce=int, required=False, empty_value=None
    )
    track = forms.ChoiceField(label=_("Track"), required=False)

    def __init__(self, data, *, choices: dict[str, list]):
        super().__init__(data)
        every = ("", _("All"))
        self.fields["year"].choices = [every, *((y, y) for y in choices["years"])]
        self.fields["track"].choices = [every, *choices["tracks"]]


def progress_context(data=None) -> dict:
    """``figures`` (suppressed) for the filter in ``data`` (the query string),
    their ``chart``, the ``form``, an ``error`` for a filter that is not valid
    (then every year and track) and ``counted_at``: nothing about any person."""
    form = ProgressFilterForm(data or {}, choices=dashboard_choices(scope=None))
    chosen, error = {"year": None, "track": None}, ""
    if form.is_valid():
        chosen = {name: form.cleaned_data[name] or None for name in chosen}
    else:
        error = gettext(ERROR_FILTER)
    # Anyone may load this page, uncached: it skips the funnel it never shows.
    figures = pipeline_figures(**chosen, with_funnel=False)
    figures = suppressed(figures, this_year=this_year())
    return {
        "figures": figures,
        "chart": year_chart(figures.years, selected=figures.year),
        "form": form,
        "filtered": any(chosen.values()),
        "error": error,
        "counted_at": timezone.now(),
    }


def progress_page_serve(
    page, request: HttpRequest, args, kwargs
) -> HttpResponse | None:
    """Wagtail's ``before_serve_page`` hook: serve a progress page uncached."""
    if page.specific_class is not ProgressPage:
        return None
    response = page.specific.serve(request, *args, **kwargs)
    add_never_cache_headers(response)
    return response
