"""The one check for a verified e-mail: enrolment, applications, invitations, the lab.

allauth's own ``verified_email_required`` does the same for signed-in views; this
module adds a refusal with status 403 and a variant for the lab's sign-in, which
must keep allauth's handling of anonymous requests (``prompt=none`` and the like).
"""

from functools import wraps

from allauth.account.internal.flows.email_verification import (
    get_address_for_user,
    send_verification_email_for_user,
)
from allauth.account.models import EmailAddress
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def has_verified_email(user) -> bool:
    """Whether the person confirmed at least one of their addresses."""
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def verified_email_refusal(request: HttpRequest) -> HttpResponse:
    """Mail a confirmation link (allauth limits how often) and say why we stopped.

    Template: ``account/verified_email_required.html``; context: ``address``.
    """
    send_verification_email_for_user(request, request.user)
    context = {"address": get_address_for_user(request.user)}
    return render(request, "account/verified_email_required.html", context, status=403)


def verified_email_required(view):
    """Let only signed-in people with a verified e-mail through; change nothing else."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not has_verified_email(request.user):
            return verified_email_refusal(request)
        return view(request, *args, **kwargs)

    return wrapped


def verified_email_required_if_signed_in(view):
    """Refuse a signed-in person without a verified e-mail; anyone else passes.

    For the lab's OpenID Connect authorization: the hub must never receive a
    sign-in for an address nobody confirmed.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not has_verified_email(user):
            return verified_email_refusal(request)
        return view(request, *args, **kwargs)

    return wrapped
