import functools
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lms.accounts.usernames import HANDLE_MAX_LENGTH, validate_handle


@functools.cache
def _zones() -> list[str]:
    return sorted(zoneinfo.available_timezones())


def time_zone_choices() -> list[tuple[str, str]]:
    """Every IANA time zone; "" is the site's own (settings.TIME_ZONE).

    A callable, so the migration does not copy the system's tz database.
    """
    default = gettext("Default (%(zone)s)") % {"zone": settings.TIME_ZONE}
    return [("", default), *((zone, zone) for zone in _zones())]


class User(AbstractUser):
    """A person: learner, instructor, programme staff or administrator.

    ``username`` is the lab handle (hub user name): derived once at sign-up and
    never changed. People sign in with their email.
    """

    username = models.CharField(
        _("lab user name"),
        max_length=HANDLE_MAX_LENGTH,
        unique=True,
        validators=[validate_handle],
        help_text=_(
            "Your name in the lab (JupyterHub). Set once at sign-up; it never changes."
        ),
        error_messages={"unique": _("A person with that lab user name exists.")},
    )
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(
        _("name"), max_length=150, blank=True, help_text=_("As on a certificate.")
    )
    affiliation = models.CharField(
        _("affiliation"),
        max_length=200,
        blank=True,
        help_text=_("School, employer, unit or 'independent'."),
    )

    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the mail we send you."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        default="",
        choices=time_zone_choices,
        help_text=_("Times are shown to you in this zone."),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name or self.username
