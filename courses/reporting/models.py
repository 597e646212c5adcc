"""The programme's targets and the reporting API's tokens."""

import hashlib

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A token of the read-only reporting API; only its hash is kept."""

    name = models.CharField(_("name"), max_length=100, help_text=_("Who uses it."))
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class TalentProgramme(models.Model):
    """The city's goal: how many AI professionals, over which years."""

    name = models.CharField(_("name"), max_length=200)
    total_target = models.PositiveIntegerField(
        _("total target"), help_text=_("Trained people over the whole programme.")
    )
    start_year = models.PositiveSmallIntegerField(
        _("first year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    end_year = models.PositiveSmallIntegerField(
        _("last year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )

    class Meta:
        verbose_name = _("talent programme")
        verbose_name_plural = _("talent programmes")
        ordering = ["start_year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="programme_years_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_year}–{self.end_year})"


class TalentTarget(models.Model):
    """A track's share of the programme's target in one year."""

    programme = models.ForeignKey(
        TalentProgramme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="targets",
    )
    track = models.ForeignKey(
        "courses.TrackPage",
        verbose_name=_("track"),
        on_delete=models.PROTECT,
        related_name="talent_targets",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    target = models.PositiveIntegerField(
        _("target"), help_text=_("People to complete this track in this year.")
    )

    class Meta:
        verbose_name = _("talent target")
        verbose_name_plural = _("talent targets")
        ordering = ["programme", "year", "track__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "track", "year"], name="one_target_per_track_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.track} {self.year}: {self.target}"

    def clean(self) -> None:
        programme = self.programme if self.programme_id else None
        if programme and not programme.start_year <= self.year <= programme.end_year:
            raise ValidationError(
                {
                    "year": _("The programme runs from %(start)d to %(end)d.")
                    % {"start": programme.start_year, "end": programme.end_year}
                }
            )
