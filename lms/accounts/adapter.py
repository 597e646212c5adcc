from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext

from lms.accounts.usernames import handle_unique
from lms.mail import readable


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
