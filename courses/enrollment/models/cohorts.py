import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from courses.enrollment.models.enrollments import Enrollment

ERROR_ENDS_BEFORE_START = _("The cohort cannot end before it starts.")
ERROR_WINDOW_ORDER = _("Enrolment must close after it opens.")
ERROR_WINDOW_AFTER_END = _("Enrolment must close before the cohort ends.")
ERROR_SEATS_BELOW_TAKEN = _(
    "%(taken)d people already hold a seat; seats cannot be fewer than that."
)
ERROR_COURSE_LOCALE = _("Choose the course page in the default language.")


class Cohort(models.Model):
    """One run of a course: dates, enrolment window, seats and who teaches it."""

    class Mode(models.TextChoices):
        OPEN = "open", _("Open: first come, first served")
        APPROVAL = "approval", _("Approval: staff review applications")
        INVITATION = "invitation", _("Invitation only")

    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        related_name="cohorts",
    )
    institution = models.ForeignKey(
        "courses.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="cohorts",
        help_text=_("Who runs this cohort; its staff manage the roster."),
    )
    code = models.SlugField(
        _("code"),
        max_length=20,
        help_text=_("Identifies the run within the course, e.g. '2026-spring'."),
    )
    lab_course_id = models.CharField(
        _("lab course id"),
        max_length=64,
        unique=True,
        editable=False,
        help_text=_("nbgrader course id and lab group suffix; fixed at creation."),
    )
    title = models.CharField(
        _("title"),
        max_length=120,
        blank=True,
        help_text=_("Optional name shown to learners, e.g. 'Spring 2026, evenings'."),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    enrollment_opens_at = models.DateTimeField(_("enrolment opens at"))
    enrollment_closes_at = models.DateTimeField(_("enrolment closes at"))
    seats = models.PositiveIntegerField(
        _("seats"), help_text=_("How many people can be enrolled at once.")
    )
    mode = models.CharField(
        _("enrolment mode"), max_length=12, choices=Mode, default=Mode.OPEN
    )
    location = models.CharField(
        _("location"),
        max_length=200,
        blank=True,
        help_text=_("Campus and room for on-site sessions; empty if online."),
    )
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("instructors"),
        related_name="taught_cohorts",
        blank=True,
    )
    pass_mark = models.DecimalField(
        _("pass mark (%)"),
        max_digits=5,
        decimal_places=2,
        default=60,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("The weighted grade over the assignments needed to pass."),
    )
    attendance_required = models.BooleanField(
        _("attendance required"),
        default=False,
        help_text=_("On-site camps: staff mark who attended; only they can pass."),
    )
    required_minimum = models.DecimalField(
        _("minimum on each required assignment (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "Optional: each assignment marked as required must score at least this."
        ),
    )
    lab_required = models.BooleanField(
        _("lab activity required"),
        default=False,
        help_text=_("Only people who used the lab during the cohort can pass."),
    )
    is_cancelled = models.BooleanField(
        _("cancelled"),
        default=False,
        help_text=_("A cancelled cohort stays visible but takes no enrolments."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "code"], name="cohort_code_unique_per_course"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="cohort_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    enrollment_closes_at__gt=models.F("enrollment_opens_at")
                ),
                name="cohort_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.lab_course_id

    def clean(self) -> None:
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = ERROR_ENDS_BEFORE_START
        opens, closes = self.enrollment_opens_at, self.enrollment_closes_at
        if opens and closes and closes <= opens:
            errors["enrollment_closes_at"] = ERROR_WINDOW_ORDER
        elif closes and self.ends_on and closes > self.ends_at:
            errors["enrollment_closes_at"] = ERROR_WINDOW_AFTER_END
        if self.pk and self.seats is not None:
            taken = self.seats_taken()
            if self.seats < taken:
                errors["seats"] = ValidationError(
                    ERROR_SEATS_BELOW_TAKEN, params={"taken": taken}
                )
        if self.course_id and not self._course_in_default_locale():
            errors["course"] = ERROR_COURSE_LOCALE
        if errors:
            raise ValidationError(errors)

    def _course_in_default_locale(self) -> bool:
        # Cohorts hang off the default-language page; its translations find them
        # through the shared translation key.
        return self.course.locale_id == Locale.get_default().pk

    @property
    def ends_at(self) -> dt.datetime:
        """The end of the last day, in the site's time zone."""
        day_after = self.ends_on + dt.timedelta(days=1)
        # The site's zone, not the reader's: a cohort closes at one instant.
        site = timezone.get_default_timezone()
        return dt.datetime.combine(day_after, dt.time.min, tzinfo=site)

    def seats_taken(self) -> int:
        return self.enrollments.filter(status__in=Enrollment.SEAT_HOLDING).count()

    def window_is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.enrollment_opens_at <= now < self.enrollment_closes_at
