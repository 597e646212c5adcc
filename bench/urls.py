"""The product's URLs plus one trivial view, the baseline the benchmarks divide by."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from lms.urls import urlpatterns as lms_urlpatterns

TRIVIAL_PATH = "bench/trivial/"


def trivial(request: HttpRequest) -> HttpResponse:
    """The cheapest Django response: through every middleware, no template, no SQL."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@csrf_exempt
def upload(request: HttpRequest) -> HttpResponse:
    """A plain upload: read the file, keep nothing (the baseline of the exchange)."""
    size = len(request.FILES["archive"].read())
    return HttpResponse(str(size), status=201, content_type="text/plain")


urlpatterns = [
    path(TRIVIAL_PATH, trivial, name="bench_trivial"),
    path("bench/upload/", upload, name="bench_upload"),
    *lms_urlpatterns,
]
