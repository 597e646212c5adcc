from allauth.idp.oidc.models import Client
from django.conf import settings
from django.db import transaction
from wagtail.users.models import UserProfile

from courses.jupyter.names import GROUPS_CLAIM, HUB_CLIENT_ID
from lms.accounts.models import User

HUB_SCOPES = ["openid", "profile", "email", GROUPS_CLAIM]


@transaction.atomic
def user_profile_update(
    *,
    user: User,
    full_name: str,
    affiliation: str,
    language: str,
    time_zone: str = "",
) -> User:
    """Change a person's name, affiliation, language and time zone; the lab
    handle stays."""
    user.full_name = full_name
    user.affiliation = affiliation
    user.language = language
    user.time_zone = time_zone
    user.full_clean()
    user.save(update_fields=["full_name", "affiliation", "language", "time_zone"])
    user_admin_time_zone_set(user=user, time_zone=time_zone)
    return user


def user_admin_time_zone_set(*, user: User, time_zone: str) -> None:
    """Give the Wagtail admin the same zone: it activates its own profile's zone
    (or settings.TIME_ZONE) for every admin view, over the LMS's middleware."""
    profile = UserProfile.get_for_user(user)
    if profile.current_time_zone != time_zone:
        profile.current_time_zone = time_zone
        profile.save(update_fields=["current_time_zone"])


@transaction.atomic
def hub_client_register(*, hub_url: str, secret: str) -> Client:
    """Register (or update) JupyterHub as this LMS's first-party OIDC client.

    The redirect URI is matched exactly; consent is skipped because the lab is
    part of the LMS; refresh tokens let the hub notice a disabled account.
    """
    client = Client.objects.filter(pk=HUB_CLIENT_ID).first() or Client(pk=HUB_CLIENT_ID)
    client.name = "JupyterHub (lab)"
    client.type = Client.Type.CONFIDENTIAL
    client.set_secret(secret)
    client.set_redirect_uris([f"{hub_url.rstrip('/')}/hub/oauth_callback"])
    client.set_scopes(HUB_SCOPES)
    client.set_default_scopes(HUB_SCOPES)
    client.set_grant_types(
        [Client.GrantType.AUTHORIZATION_CODE, Client.GrantType.REFRESH_TOKEN]
    )
    client.set_response_types(["code"])
    client.skip_consent = True
    client.full_clean()
    client.save()
    return client


def hub_client_register_from_settings() -> Client:
    return hub_client_register(
        hub_url=settings.HUB_URL, secret=settings.HUB_OIDC_CLIENT_SECRET
    )
