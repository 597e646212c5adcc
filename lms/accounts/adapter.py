import email.policy
from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext

from lms.accounts.usernames import handle_unique

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


@dataclass(frozen=True)
class MailSite:
    """The ``current_site`` of allauth's mail templates."""

    name: str
    domain: str


def mail_site(request: HttpRequest | None) -> MailSite:
    """The site as mails name it: the programme's name, not the host."""
    if request is None:
        domain = urlsplit(settings.WAGTAILADMIN_BASE_URL).netloc
    else:
        domain = request.get_host()
    return MailSite(name=gettext("Gwangju AI Talent Pipeline"), domain=domain)


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up derives the lab handle from the email; mails speak the person's
    language, name the programme and keep their links whole."""

    def populate_username(self, request, user) -> None:
        if user.username:
            return
        manager = get_user_model().objects
        user.username = handle_unique(
            user.email, lambda name: manager.filter(username=name).exists()
        )

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        user = context.get("user")
        language = getattr(user, "language", "") or translation.get_language()
        with translation.override(language):
            site = mail_site(getattr(allauth_context, "request", None))
            super().send_mail(template_prefix, email, {"current_site": site, **context})

    def render_mail(self, template_prefix, email, context, headers=None):
        return readable(super().render_mail(template_prefix, email, context, headers))
