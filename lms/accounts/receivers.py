"""Reactions to allauth's and Wagtail's signals."""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.signals import authenticator_added
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.users.models import UserProfile

from lms.accounts.models import User


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


@receiver(post_save, sender=UserProfile)
def follow_admin_time_zone(sender, instance, created, **kwargs) -> None:
    """A zone chosen on the Wagtail admin's account page holds on the site too.

    A profile just created holds no choice yet (Wagtail makes one on first use).
    """
    if created:
        return
    User.objects.filter(pk=instance.user_id).exclude(
        time_zone=instance.current_time_zone
    ).update(time_zone=instance.current_time_zone)
