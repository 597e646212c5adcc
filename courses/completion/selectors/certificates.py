"""Reads of certificates: the public check by code, a person's own."""

from courses.completion.models import Certificate

# Codes use an alphabet without look-alikes; people type them with spaces,
# dashes or in lower case.
_TYPED = str.maketrans("", "", " -")


def certificate_code_clean(code: str) -> str:
    return code.translate(_TYPED).upper()


def certificate_by_code(*, code: str) -> Certificate | None:
    """The certificate with this code, valid or revoked; None if there is none."""
    return Certificate.objects.filter(code=certificate_code_clean(code)).first()


def certificate_of_user(*, user, code: str) -> Certificate | None:
    """``user``'s own valid certificate with this code."""
    if not user.is_authenticated:
        return None
    return Certificate.objects.filter(
        user=user, code=certificate_code_clean(code), revoked_at__isnull=True
    ).first()
