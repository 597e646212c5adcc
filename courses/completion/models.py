"""Completions, track completions (the city's trained talents), certificates,
lab activity and the reporting API's tokens. Definitions: docs/completion.md."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.core.models import LearnerRecord


class Completion(LearnerRecord, models.Model):
    """A person passed a cohort (by its rule, or issued by staff)."""

    class Source(models.TextChoices):
        RULE = "rule", _("By the cohort's completion rule")
        STAFF = "staff", _("Issued by staff")
        CONFIRMED = "confirmed", _("Confirmed early by an instructor")

    enrollment = models.OneToOneField(
        "courses.Enrollment", on_delete=models.CASCADE, related_name="completion"
    )
    # Copies of the enrolment's, so the dashboard's counts need no join.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="completions",
    )
    cohort = models.ForeignKey(
        "courses.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.PROTECT,
        related_name="completions",
    )
    passed_at = models.DateTimeField(_("passed at"))
    grade = models.DecimalField(
        _("weighted grade (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(_("how"), max_length=12, choices=Source)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_reason = models.CharField(_("why revoked"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("completion")
        verbose_name_plural = _("completions")
        indexes = [models.Index(fields=["cohort", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.cohort}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class TrackCompletion(LearnerRecord, models.Model):
    """A person completed a track by its policy: a trained talent of it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="track_completions",
    )
    track = models.ForeignKey(
        "courses.TrackPage",
        verbose_name=_("track"),
        on_delete=models.PROTECT,
        related_name="completions",
    )
    institution = models.ForeignKey(
        "courses.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="track_completions",
        help_text=_("Of the cohort whose pass completed the track."),
    )
    completed_at = models.DateTimeField(_("completed at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("why revoked"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("track completion")
        verbose_name_plural = _("track completions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "track"], name="one_completion_per_track"
            )
        ]
        indexes = [models.Index(fields=["track", "completed_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.track}"


def _certificate_code() -> str:
    # 16 characters of an alphabet without look-alikes: unguessable, easy to type.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


class Certificate(LearnerRecord, models.Model):
    """Proof of a completion (course) or a track completion, with a public code."""

    code = models.CharField(
        _("verification code"), max_length=16, unique=True, default=_certificate_code
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="certificates",
    )
    completion = models.OneToOneField(
        Completion,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="certificate",
    )
    track_completion = models.OneToOneField(
        TrackCompletion,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="certificate",
    )
    # What the certificate says, fixed when issued (a renamed course or person
    # does not change a certificate already given).
    name = models.CharField(_("name"), max_length=200)
    title_ko = models.CharField(_("title (Korean)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    issued_at = models.DateTimeField(_("issued at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("why revoked"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(completion__isnull=False)
                | models.Q(track_completion__isnull=False),
                name="certificate_of_something",
            )
        ]

    def __str__(self) -> str:
        return self.code
