"""Catalogue pages served through the page cache, and the course search."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from wagtail.models import Locale
from wagtail.views import serve

from courses.catalogue import page_cache
from courses.catalogue import selectors as catalogue_selectors
from courses.catalogue.forms import CourseSearchForm
from courses.catalogue.models import TrackPage
from courses.catalogue.signals import page_expires_at


def course_search(request: HttpRequest) -> HttpResponse:
    """Search courses and filter by track, level, format, language, open now.

    Template: ``courses/course_search.html``; context: ``form``, ``results``.
    """
    locale = Locale.get_active()
    tracks = list(TrackPage.objects.live().filter(locale=locale).order_by("path"))
    form = CourseSearchForm(request.GET or None, tracks=tracks)
    results = None
    if form.is_valid():
        data = form.cleaned_data
        results = catalogue_selectors.course_search(
            locale=locale,
            query=data["q"],
            track=form.tracks.get(data["track"]),
            level=data["level"],
            format=data["format"],
            language=data["language"],
            open_only=data["open_only"],
        )
    return render(
        request, "courses/course_search.html", {"form": form, "results": results}
    )


def catalogue_page(request: HttpRequest, path: str) -> HttpResponse:
    """Wagtail's page view, cached for anonymous visitors (see ``page_cache``)."""
    if not page_cache.cacheable(request):
        return serve(request, path)
    key = page_cache.page_key(request)
    response = page_cache.page_get(key)
    if response is None:
        # Expire at the first window change after the moment the page shows.
        now = timezone.now()
        response = serve(request, path)
        if hasattr(response, "render"):
            response = response.render()
        if not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            page_cache.page_put(key, response, until=page_expires_at(now))
    return response
