"""The one door to both admins: allauth's sign-in, a verified e-mail, and MFA.

Wagtail's ``/admin/`` and Django's ``/django-admin/`` have their own password
forms; lms/urls.py sends both to allauth's login instead. This middleware then
checks every admin request, also of sessions made some other way (older
sessions, ``force_login``): the person may open that admin, has a verified
e-mail, presented their second factor in this session when they have one, and
has one at all when ``ADMIN_REQUIRE_MFA`` is on.
"""

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from lms.accounts.decorators import has_verified_email, verified_email_refusal

# Where the MFA page sends people back to once they set up their second factor.
RETURN_SESSION_KEY = "lms_admin_return_to"


def admin_return_url(request: HttpRequest) -> str:
    """The admin page a person left to set up MFA, once they have it; else ""."""
    url = request.session.get(RETURN_SESSION_KEY, "")
    if url and is_mfa_enabled(request.user):
        return url
    return ""


def _prefixes() -> tuple[str, str]:
    return reverse("wagtailadmin_home"), reverse("admin:index")


def _open_paths() -> set[str]:
    """Signing in and out must work for everyone who reaches the admin."""
    names = ["wagtailadmin_login", "wagtailadmin_logout", "admin:login", "admin:logout"]
    return {reverse(name) for name in names}


def _may_open(user, path: str) -> bool | None:
    """Whether ``user`` may open the admin at ``path``; None outside the admins."""
    wagtail, django = _prefixes()
    if path.startswith(wagtail):
        return user.has_perm("wagtailadmin.access_admin")
    if path.startswith(django):
        return user.is_active and user.is_staff
    return None


def _mfa_presented(request: HttpRequest) -> bool:
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def _second_factor(request: HttpRequest) -> HttpResponse | None:
    if is_mfa_enabled(request.user):
        if _mfa_presented(request):
            return None
        # Signed in without the code (an older session): ask for it now.
        next_url = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('mfa_reauthenticate')}?{next_url}")
    if not settings.ADMIN_REQUIRE_MFA:
        return None
    request.session[RETURN_SESSION_KEY] = request.get_full_path()
    context = {"activate_url": reverse("mfa_activate_totp")}
    return render(request, "account/admin_mfa_required.html", context, status=403)


def _refusal(request: HttpRequest, may_open: bool) -> HttpResponse | None:
    if not may_open:
        if request.path.startswith(_prefixes()[1]):
            return None  # Django's admin sends them to allauth's secure login.
        return render(request, "account/admin_refused.html", status=403)
    if not has_verified_email(request.user):
        return verified_email_refusal(request)
    refusal = _second_factor(request)
    if refusal is None:
        request.session.pop(RETURN_SESSION_KEY, None)
    return refusal


def admin_door(request: HttpRequest) -> HttpResponse | None:
    """The refusal for this admin request, or None to let it through."""
    user = request.user
    if not user.is_authenticated:
        return None
    may_open = _may_open(user, request.path)
    if may_open is None or request.path in _open_paths():
        return None
    # Admin URLs carry no language prefix: answer in the person's own language.
    with translation.override(user.language or translation.get_language()):
        return _refusal(request, may_open)


class AdminDoorMiddleware:
    """Apply ``admin_door`` to every request (after authentication)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return admin_door(request) or self.get_response(request)
