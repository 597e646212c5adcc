from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from lms.accounts.forms import ProfileForm
from lms.accounts.services import user_profile_update


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Edit one's own name and affiliation.

    Template: ``accounts/profile.html``; context: ``form``.
    """
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_profile_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


def pkce_required(view):
    """Refuse authorization requests without a PKCE S256 challenge.

    Every client of this provider is first-party (the lab); allauth asks PKCE
    only of public clients, this asks it of all, so a stolen authorization code
    is useless without the verifier.
    """

    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "GET" and "client_id" in request.GET:
            challenge = request.GET.get("code_challenge", "")
            if not challenge or request.GET.get("code_challenge_method") != "S256":
                return HttpResponseBadRequest(
                    _("This sign-in needs PKCE (code_challenge with method S256).")
                )
        return view(request, *args, **kwargs)

    return wrapped


def admin_login(request: HttpRequest, home: str = "wagtailadmin_home") -> HttpResponse:
    """Replace an admin's own password form: everyone signs in through allauth.

    Keeps ``next``; a signed-in person goes straight on, and the admin door
    (``admin_door``) decides what they may open.
    """
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse(home)
    if request.user.is_authenticated:
        return redirect(next_url)
    return redirect_to_login(next_url, login_url=reverse("account_login"))
