from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.core.models import LearnerRecord


class Enrollment(LearnerRecord, models.Model):
    """A person in a cohort, from application to completion."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        WAITLISTED = "waitlisted", _("Waitlisted")
        ENROLLED = "enrolled", _("Enrolled")
        REJECTED = "rejected", _("Not admitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Not passed")

    # Statuses that occupy one of the cohort's seats.
    SEAT_HOLDING = (Status.ENROLLED, Status.COMPLETED, Status.FAILED)
    # Statuses from which a person may not join the same cohort again.
    ACTIVE = (Status.APPLIED, Status.WAITLISTED, *SEAT_HOLDING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="enrollments",
    )
    cohort = models.ForeignKey(
        "courses.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status)
    attended = models.BooleanField(
        _("attended"),
        default=False,
        help_text=_("Marked by staff for cohorts that require attendance."),
    )
    motivation = models.TextField(
        _("motivation"),
        blank=True,
        max_length=2000,
        help_text=_("From the application."),
    )
    waitlisted_at = models.DateTimeField(
        _("waitlisted at"),
        null=True,
        blank=True,
        help_text=_("Place in the queue: the earliest is promoted first."),
    )
    admitted_at = models.DateTimeField(
        _("admitted at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the person first held a seat; kept if they withdraw."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["cohort", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "cohort"], name="one_enrollment_per_person_and_cohort"
            )
        ]
        indexes = [models.Index(fields=["cohort", "status", "waitlisted_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.cohort} · {self.get_status_display()}"

    def save(self, *args, **kwargs) -> None:
        # The funnel's "admitted" outlives the seat (a withdrawal keeps it).
        if self.admitted_at is None and self.status in self.SEAT_HOLDING:
            self.admitted_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "admitted_at"}
        super().save(*args, **kwargs)

    @property
    def holds_seat(self) -> bool:
        return self.status in self.SEAT_HOLDING


class EnrollmentEvent(LearnerRecord, models.Model):
    """One status change of an enrolment: what, who, when and why."""

    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    from_status = models.CharField(
        _("from"), max_length=12, choices=Enrollment.Status, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=Enrollment.Status)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the system made the change (waitlist promotion)."),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enrolment change")
        verbose_name_plural = _("enrolment changes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


class Invitation(LearnerRecord, models.Model):
    """An invitation by email to an invitation-only (or any) cohort."""

    cohort = models.ForeignKey(
        "courses.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("email"))
    token = models.CharField(max_length=64, unique=True, editable=False)
    message = models.TextField(
        _("message"), blank=True, help_text=_("Added to the invitation email.")
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "email"], name="one_invitation_per_email_and_cohort"
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.cohort}"
