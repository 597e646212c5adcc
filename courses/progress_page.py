"""The public progress page (``ProgressPage``): the pipeline's figures for
everyone, counted live, small counts suppressed, and never kept in the
anonymous page cache (a revoked completion must leave the page at once)."""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from courses.charts import year_chart
from courses.figures import suppressed
from courses.models import ProgressPage
from courses.selectors.dashboard import pipeline_figures


def progress_context() -> dict:
    """``figures`` (suppressed) and their ``chart``: nothing about any person."""
    figures = suppressed(pipeline_figures(), this_year=timezone.localdate().year)
    return {"figures": figures, "chart": year_chart(figures.years)}


def progress_page_serve(
    page, request: HttpRequest, args, kwargs
) -> HttpResponse | None:
    """Wagtail's ``before_serve_page`` hook: serve a progress page uncached."""
    if page.specific_class is not ProgressPage:
        return None
    response = page.specific.serve(request, *args, **kwargs)
    add_never_cache_headers(response)
    return response
