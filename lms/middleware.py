"""Middleware of the project as a whole.

``SecurityHeadersMiddleware``: security headers Django does not set itself, the
admin's CSP and Permissions-Policy. Sits after
``django.middleware.csp.ContentSecurityPolicyMiddleware`` in MIDDLEWARE, so its
response is seen first: it hands the CSP middleware the policy to write
(settings.SECURE_CSP, or SECURE_CSP_ADMIN under the admin's prefixes), with the
lab's origin added to ``form-action``.

``TimeZoneMiddleware``: a signed-in person's own time zone for the request.
"""

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone


def permissions_policy(features: dict[str, list[str]]) -> str:
    """The header value: ``camera=(), fullscreen=(self)``."""
    return ", ".join(
        f"{feature}=({' '.join(allowed)})" for feature, allowed in features.items()
    )


def origin(url: str) -> str:
    """``https://lab.example.org`` of ``https://lab.example.org/hub``."""
    return "/".join(url.split("/", 3)[:3]) if "://" in url else ""


def with_form_target(policy: dict, target: str) -> dict:
    """``policy`` whose forms may also lead to ``target`` (if it limits them)."""
    allowed = policy.get("form-action")
    if not target or not allowed or target in allowed:
        return policy
    return {**policy, "form-action": [*allowed, target]}


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.permissions_policy = permissions_policy(settings.PERMISSIONS_POLICY)
        self._policies: dict[tuple[bool, str], tuple[dict, dict]] = {}

    def policy(self, path: str) -> dict:
        """The CSP for ``path``; the sign-in and consent forms redirect to the lab."""
        admin = path.startswith(settings.CSP_ADMIN_PATH_PREFIXES)
        base = settings.SECURE_CSP_ADMIN if admin else settings.SECURE_CSP
        key = (admin, settings.HUB_URL)
        cached = self._policies.get(key)
        if cached is None or cached[0] is not base:  # settings change in tests
            cached = (base, with_form_target(base, origin(settings.HUB_URL)))
            self._policies[key] = cached
        return cached[1]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A view's own csp_override() wins.
        if not hasattr(response, "_csp_config"):
            response._csp_config = self.policy(request.path_info)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        return response


def user_time_zone(request: HttpRequest) -> zoneinfo.ZoneInfo | None:
    """The zone the signed-in person chose, or None (settings.TIME_ZONE)."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None  # nobody signed in: spare anonymous pages the session lookup
    return person_time_zone(getattr(request, "user", None))


def person_time_zone(user) -> zoneinfo.ZoneInfo | None:
    """The zone ``user`` chose, or None (settings.TIME_ZONE)."""
    name = getattr(user, "time_zone", "") if user and user.is_authenticated else ""
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None  # a zone the tz database dropped since it was chosen


class TimeZoneMiddleware:
    """Show times in the signed-in person's own zone (``User.time_zone``).

    After AuthenticationMiddleware. The Wagtail admin activates its profile's
    zone over this one; the profile page keeps the two the same.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = user_time_zone(request)
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()  # the thread serves someone else next
