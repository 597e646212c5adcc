"""Tokens of the read-only reporting API: shown once when made, kept only as a
sha256 hash, refused once revoked, stamped when used."""

import secrets

from django.db import transaction
from django.utils import timezone

from courses.reporting.models import ApiToken

KEY_PREFIX = "tpr_"  # talent pipeline reporting: recognisable in a leaked config


@transaction.atomic
def api_token_create(*, name: str) -> tuple[ApiToken, str]:
    """A new token named ``name``; returns it and its key (never stored)."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name, prefix=key[len(KEY_PREFIX) :][:8], key_hash=ApiToken.hash(key)
    )
    token.full_clean()
    token.save()
    return token, key


def api_token_revoke(*, prefix: str) -> int:
    """Revoke the live tokens whose key starts with ``prefix``; how many."""
    return ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def api_token_use(*, key: str) -> ApiToken | None:
    """The live token with this key, stamped as used now; None if none."""
    if not key.startswith(KEY_PREFIX):
        return None
    token = ApiToken.objects.filter(
        key_hash=ApiToken.hash(key), revoked_at__isnull=True
    ).first()
    if token is not None:
        token.last_used_at = timezone.now()
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=token.last_used_at)
    return token
