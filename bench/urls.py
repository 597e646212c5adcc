"""The product's URLs plus one trivial view, the baseline the benchmarks divide by."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from lms.urls import urlpatterns as lms_urlpatterns

TRIVIAL_PATH = "bench/trivial/"


def trivial(request: HttpRequest) -> HttpResponse:
    """The cheapest Django response: through every middleware, no template, no SQL."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


urlpatterns = [path(TRIVIAL_PATH, trivial, name="bench_trivial"), *lms_urlpatterns]
