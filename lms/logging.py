"""Secrets out of the logs: tokens in URLs are replaced before a line is written.

A mailed link carries its secret in the path: an invitation
(``/invitations/<token>/``), an e-mail confirmation
(``/accounts/confirm-email/<key>/``), a password reset
(``/accounts/password/reset/key/<uid>-<key>/``), a certificate's code; OpenID
Connect puts ``code=`` and ``state=`` in the query. ``redact`` blanks those
parts wherever a URL appears in a line. ``RedactSecretsFilter`` applies it to
Django's log records (LOGGING in lms/settings/base.py), ``GunicornLogger`` to
every field of gunicorn's access log (``--logger-class`` in scripts/run.py).
"""

import logging
import re

from gunicorn.glogging import Logger

REDACTED = "[redacted]"

# The segment after these path parts, where a path starts: after a space, a
# quote, "(", "=" (``?next=/invitations/...``) or a host
# ("https://lms.example.org/..."); with or without /en; slashes maybe %2F.
_SLASH = "(?:/|%2F)"
_SECRET_PATHS = "|".join(
    _SLASH.join(path.split("/"))
    for path in (
        "invitations",
        "accounts/confirm-email",
        "accounts/password/reset/key",
        "certificates",
    )
)
_PATH_SECRET = re.compile(
    rf"""((?:^|[\s"'(=]|//[^/\s"']+)(?:{_SLASH}[a-z]{{2}})?"""
    rf"""{_SLASH}(?:{_SECRET_PATHS}){_SLASH})(?:(?!%2F)[^/?#&\s"'])+""",
    re.IGNORECASE,
)
_QUERY_SECRET = re.compile(
    r"""([?&](?:code|state|nonce|token|key|access_token|id_token|refresh_token)=)"""
    r"""[^&#\s"']+""",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """``text`` with every token of a URL in it replaced by [redacted]."""
    if "/" not in text and "=" not in text:
        return text
    text = _PATH_SECRET.sub(rf"\1{REDACTED}", text)
    return _QUERY_SECRET.sub(rf"\1{REDACTED}", text)


class RedactSecretsFilter(logging.Filter):
    """Rewrite a record's message (and its arguments) without URL tokens."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


class GunicornLogger(Logger):
    """gunicorn's logger, with tokens blanked in every access-log field."""

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            name: redact(value) if isinstance(value, str) else value
            for name, value in atoms.items()
        }
