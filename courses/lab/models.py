"""Lab activity: when a person last used their lab."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.core.models import LearnerRecord


class LabActivity(LearnerRecord, models.Model):
    """When a person first and last used the lab (read from the hub)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lab_activity"
    )
    first_active_at = models.DateTimeField(_("first active"))
    last_active_at = models.DateTimeField(_("last active"))

    class Meta:
        verbose_name = _("lab activity")
        verbose_name_plural = _("lab activity")

    def __str__(self) -> str:
        return str(self.user)
