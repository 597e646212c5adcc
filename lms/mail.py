"""Mail whose text bodies travel as 8-bit UTF-8, so links in them stay whole."""

import email.policy

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives

# RFC 5322's limit on a line; a link is far shorter.
MAX_LINE_BYTES = 998


class ReadableEmail(EmailMultiAlternatives):
    """A mail whose text bodies travel as plain 8-bit UTF-8.

    Python picks quoted-printable or base64 for any body with a line over 78
    characters or, in Korean, about 26 syllables: the console backend then
    prints base64, and quoted-printable's soft line breaks cut the confirmation
    link in two. Mail servers today take 8-bit bodies (8BITMIME, RFC 6152).
    """

    def message(self, *, policy=email.policy.default):
        msg = super().message(policy=policy)
        if policy.cte_type != "8bit":
            return msg
        for part in msg.walk():
            if part.get_content_maintype() == "text" and not part.is_attachment():
                _as_8bit(part)
        return msg


def _as_8bit(part) -> None:
    text = part.get_content()
    if max(map(len, text.encode().splitlines()), default=0) > MAX_LINE_BYTES:
        return
    subtype = part.get_content_subtype()
    part.set_content(text, subtype=subtype, charset="utf-8", cte="8bit")


def readable(msg: EmailMessage) -> ReadableEmail:
    """The same mail, its text bodies sent as 8-bit UTF-8."""
    copy = ReadableEmail(
        subject=msg.subject,
        body=msg.body,
        from_email=msg.from_email,
        to=msg.to,
        headers=msg.extra_headers,
        alternatives=getattr(msg, "alternatives", None),
    )
    copy.content_subtype = msg.content_subtype
    return copy


def send_readable_mail(subject: str, body: str, to: list[str]) -> None:
    """``send_mail`` from the site's address, the body as 8-bit UTF-8."""
    ReadableEmail(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    ).send()
