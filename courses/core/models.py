"""Institutions, and the base of every record about one learner."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class LearnerRecord:
    """Records people make in bulk (enrolments, submissions, their files).

    They reference nothing an editor needs to trace, and Wagtail's reference
    index would queue a task on every save of each: keep them out of it.
    """

    wagtail_reference_index_ignore = True


class Institution(models.Model):
    """Who runs a cohort: a university, an academy, a training centre."""

    code = models.SlugField(
        _("code"), max_length=32, unique=True, help_text=_("Short stable identifier.")
    )
    name = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("programme staff"),
        related_name="staffed_institutions",
        blank=True,
        help_text=_(
            "People who manage this institution's cohorts: rosters, approvals, "
            "invitations. They see no other institution's learners."
        ),
    )
    catalogue_pages = models.ManyToManyField(
        "wagtailcore.Page",
        verbose_name=_("catalogue pages"),
        related_name="+",
        blank=True,
        help_text=_(
            "The pages whose subtrees this institution's staff and instructors may "
            "edit and publish: its own track, or its course pages within a shared "
            "track. None: only administrators edit its pages."
        ),
    )

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]

    def __str__(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name
