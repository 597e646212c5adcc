from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .forms import ProfileForm
from .services import user_profile_update


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
