"""Anonymous catalogue pages from cache, never older than the catalogue version.

``views.catalogue_page`` renders a page on a miss and keeps it twice: in the
shared cache (Redis), for every server process, and in this process's memory.
``CataloguePageCacheMiddleware`` answers from memory before URL resolution, so a
hit costs little more than a trivial view. Every lookup first reads the
catalogue version from the shared cache, which services bump when a change
commits (see ``services.catalogue_cache``): no page is served after a change.
Entries also expire when the next enrolment window opens or closes.
"""

import functools
import threading

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from courses.catalogue.cache import catalogue_version, seconds_until

URL_NAME = "wagtail_serve"
KEY_PREFIX = "catalogue-page"  # change it when the entry's layout changes
MEMORY_MAX_PAGES = 256

# (expires at, as a POSIX timestamp; status; headers; body)
Entry = tuple[float, int, tuple[tuple[str, str], ...], bytes]


def cacheable(request: HttpRequest) -> bool:
    """An anonymous GET without a query or messages: everyone sees the same page."""
    if request.method != "GET" or request.GET or "messages" in request.COOKIES:
        return False
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        # No session: nobody is signed in (users come from the session only)
        # and no message waits. Saves loading both on every anonymous hit.
        return True
    return not request.user.is_authenticated and not request.session.get("_messages")


def page_key(request: HttpRequest) -> str:
    """The page's cache key at the current catalogue version (read once a request)."""
    key = getattr(request, "_catalogue_page_key", None)
    if key is None:
        parts = [catalogue_version(), request.get_host(), get_language()]
        key = ":".join([KEY_PREFIX, *map(str, parts), request.path_info])
        request._catalogue_page_key = key
    return key


def _version_of(key: str) -> str:
    return key.split(":", 2)[1]


def _fresh(entry: Entry) -> bool:
    return entry[0] > timezone.now().timestamp()


class _Memory:
    """This process's copies of the pages of one catalogue version."""

    def __init__(self) -> None:
        self._pages: dict[str, Entry] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Entry | None:
        entry = self._pages.get(key)
        return entry if entry is not None and _fresh(entry) else None

    def put(self, key: str, entry: Entry) -> None:
        # Copy on write: readers never lock. Pages of older versions are dropped.
        version = _version_of(key)
        with self._lock:
            pages = {k: v for k, v in self._pages.items() if _version_of(k) == version}
            if len(pages) >= MEMORY_MAX_PAGES:
                pages = {}
            pages[key] = entry
            self._pages = pages

    def clear(self) -> None:
        with self._lock:
            self._pages = {}


memory = _Memory()


def _response(entry: Entry) -> HttpResponse:
    _expires, status, headers, content = entry
    response = HttpResponse(content, status=status, headers=dict(headers))
    # As when rendered: the page depends on the session cookie being absent.
    patch_vary_headers(response, ["Cookie"])
    return response


def page_get(key: str, *, shared: bool = True) -> HttpResponse | None:
    """The cached page for ``key``: from memory, else (if ``shared``) the cache."""
    entry = memory.get(key)
    if entry is None and shared:
        entry = cache.get(key)
        if entry is None or not _fresh(entry):
            return None
        memory.put(key, entry)
    return _response(entry) if entry is not None else None


def page_put(key: str, response: HttpResponse, *, until) -> None:
    """Keep a rendered page until the moment ``until`` (None: the longest allowed).

    Only a plain 200 answer without cookies is kept, and none marked no-store
    (the progress page, whose figures must change at once).
    """
    ttl = seconds_until(until)
    if not ttl or response.status_code != 200 or response.cookies:
        return
    if "no-store" in response.get("Cache-Control", ""):
        return
    expires_at = timezone.now().timestamp() + ttl
    headers = tuple(response.headers.items())
    entry = (expires_at, response.status_code, headers, response.content)
    cache.set(key, entry, ttl)
    memory.put(key, entry)


@functools.lru_cache(maxsize=4096)
def _is_catalogue_path(path_info: str, language: str, urlconf: str) -> bool:
    try:
        return resolve(path_info, urlconf).url_name == URL_NAME
    except Resolver404:
        return False


class CataloguePageCacheMiddleware:
    """Answer anonymous catalogue pages from this process's memory when current.

    Place it last: every other middleware still sees the request and the response.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
        if _is_catalogue_path(request.path_info, get_language(), urlconf):
            if cacheable(request):
                response = page_get(page_key(request), shared=False)
                if response is not None:
                    return response
        return self.get_response(request)
