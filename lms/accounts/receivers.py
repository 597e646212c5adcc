"""Reactions to allauth's signals."""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.signals import authenticator_added
from django.dispatch import receiver


@receiver(authenticator_added)
def record_second_factor(sender, request, user, authenticator, **kwargs) -> None:
    """Count setting up an authenticator as presenting it in this session.

    Activating TOTP checks a code from the new device, so the admin door
    (``admin_door``) need not ask for another one straight after.
    """
    if request is not None and request.user == user:
        record_authentication(
            request, user, "mfa", id=authenticator.pk, type=authenticator.type
        )
