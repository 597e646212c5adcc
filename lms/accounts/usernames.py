"""Handles: the stable name a person has in the lab (hub user, system account).

Derived once from the email at sign-up and never changed afterwards, so renaming a
person or changing their email never moves their lab or their submissions.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A POSIX account name, lower case; 28 leaves room for the lab account prefix.
HANDLE_MAX_LENGTH = 28
HANDLE_RE = re.compile(r"^[a-z][a-z0-9-]{1,27}$")
RESERVED = frozenset(
    "admin administrator root daemon bin sys sync games man lp mail news uucp proxy "
    "backup list irc nobody postgres redis www-data jupyter jovyan hub lms staff "
    "system operator support".split()
)
ERROR_INVALID = _(
    "Use 2–28 lower-case letters, digits or hyphens, starting with a letter."
)


def validate_handle(value: str) -> None:
    if not HANDLE_RE.match(value) or value in RESERVED:
        raise ValidationError(ERROR_INVALID, code="invalid_handle")


def handle_base(email: str) -> str:
    """Return a handle candidate from an email's local part (ASCII, lower case)."""
    local = email.split("@", 1)[0]
    ascii_ = unicodedata.normalize("NFKD", local).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    if not slug or not slug[0].isalpha():
        slug = f"u-{slug}".rstrip("-")
    slug = slug[:20].rstrip("-")
    if len(slug) < 2 or slug in RESERVED:
        slug = f"learner-{slug}".rstrip("-")[:20]
    return slug


def handle_unique(email: str, taken: "callable[[str], bool]") -> str:
    """Return the first free handle for ``email``: base, base-2, base-3 …"""
    base = handle_base(email)
    candidate, n = base, 1
    while taken(candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate
