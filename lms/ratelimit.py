"""Rate limits on the LMS's own doors: per person (or API token) and per address.

``@rate_limit("exchange")`` counts each request against the rates of
``settings.RATE_LIMITS["exchange"]`` ("120/m/user,3000/m/ip"), in the shared
cache (Redis in production), in fixed windows: one counter per window, raised
atomically. Past a limit the request is refused with 429, ``Retry-After`` (the
seconds until the window ends) and a message in the person's language: JSON
under /api/, a page elsewhere. Addresses come from allauth's client-IP logic
(ALLAUTH_TRUSTED_PROXY_COUNT, ALLAUTH_TRUSTED_CLIENT_IP_HEADER), so allauth's
limits and these count the same people behind the proxy.
"""

import functools
import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
KEY_PREFIX = "ratelimit"


@dataclass(frozen=True)
class Rate:
    amount: int
    seconds: int
    per: str  # "user" or "ip"


@functools.lru_cache(maxsize=64)
def parse_rates(text: str) -> tuple[Rate, ...]:
    """``"120/m/user,3000/5m/ip"`` as rates; an empty text is no limit."""
    rates = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        amount, period, per = part.split("/")
        count, unit = period[:-1] or "1", period[-1]
        if per not in {"user", "ip"} or unit not in PERIODS:
            raise ValueError(f"Bad rate {part!r}: use e.g. 120/m/user or 10/5m/ip.")
        rates.append(Rate(int(amount), int(count) * PERIODS[unit], per))
    return tuple(rates)


def client_ip(request: HttpRequest) -> str:
    """The client's address, through the trusted proxies (as allauth sees it)."""
    return get_adapter().get_client_ip(request)


def _who(request: HttpRequest, per: str) -> str | None:
    """Whom a rate counts: the address, or the person, or the API token sent."""
    if per == "ip":
        return f"ip:{client_ip(request)}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    token = request.headers.get("Authorization", "")
    if token:
        # The token never reaches the cache: only a digest of it.
        return "token:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    return None  # anonymous: counted by address only


def _hit(action: str, rate: Rate, who: str, now: float) -> int:
    """Count one request; the seconds to wait when over ``rate``, else 0."""
    window = int(now // rate.seconds)
    key = f"{KEY_PREFIX}:{action}:{rate.seconds}:{who}:{window}"
    try:
        count = cache.incr(key)
    except ValueError:  # a new window: open it, unless a concurrent request did
        count = 1 if cache.add(key, 1, timeout=rate.seconds + 1) else cache.incr(key)
    if count <= rate.amount:
        return 0
    return max(1, math.ceil((window + 1) * rate.seconds - now))


def rate_limit_check(request: HttpRequest, action: str) -> int:
    """Count the request against every rate of ``action``; seconds to wait, or 0."""
    now = time.time()
    wait = 0
    for rate in parse_rates(settings.RATE_LIMITS.get(action, "")):
        who = _who(request, rate.per)
        if who is not None:
            wait = max(wait, _hit(action, rate, who, now))
    return wait


def _wait_message(wait: int) -> str:
    return ngettext(
        "Too many requests. Try again in %(seconds)d second.",
        "Too many requests. Try again in %(seconds)d seconds.",
        wait,
    ) % {"seconds": wait}


def too_many_requests(request: HttpRequest, wait: int) -> HttpResponse:
    """429 with Retry-After and a message: JSON for the API, else a page."""
    message = _wait_message(wait)
    if request.path_info.startswith("/api/"):
        # Counted before the token says whose lab it is, so before its person's
        # language is known: the API's message is in Korean and English.
        with translation.override("en"):
            english = _wait_message(wait)
        detail = message if message == english else f"{message} ({english})"
        body = {"detail": detail, "code": "rate_limited", "retry_after": wait}
        response = JsonResponse(body, status=429)
    else:
        context = {"message": message, "title": _("Too many requests")}
        response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response


def rate_limit(action: str) -> Callable:
    """Refuse a view's requests past ``settings.RATE_LIMITS[action]`` with 429."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            wait = rate_limit_check(request, action)
            if wait:
                # django.request logs the refusal (one line, tokens redacted).
                return too_many_requests(request, wait)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
