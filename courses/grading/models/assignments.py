"""Assignments, their files, extensions and the formgrader of a cohort."""

import datetime as dt
import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from courses.core.models import LearnerRecord

ERROR_DUE_BEFORE_RELEASE = _("The due date must come after the release.")
ERROR_CAP_BELOW_PENALTY = _("The cap cannot be smaller than one day's penalty.")
ERROR_REQUIRED_DELETE = _(
    "This assignment is required to pass the cohort: nobody could pass without "
    "it. Unmark “required to pass” first, then delete it."
)


class Assignment(models.Model):
    """An nbgrader assignment of a cohort: sources, release, due date, rules."""

    class LatePolicy(models.TextChoices):
        PENALTY = "penalty", _("Accept late work with a penalty per day")
        REFUSE = "refuse", _("Refuse work after the due date")

    class State(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        INVALID = "invalid", _("Has problems")
        READY = "ready", _("Ready")

    cohort = models.ForeignKey(
        "courses.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    name = models.SlugField(
        _("assignment id"),
        max_length=64,
        help_text=_(
            "nbgrader's assignment id, e.g. 'ps1'; the folder name in the lab. "
            "It cannot change once learners have it."
        ),
    )
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(
        _("instructions"), blank=True, help_text=_("Shown on the assignment page.")
    )
    release_at = models.DateTimeField(
        _("release at"),
        null=True,
        blank=True,
        help_text=_("Learners see it from then on. Empty: not released yet."),
    )
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    late_policy = models.CharField(
        _("late work"), max_length=8, choices=LatePolicy, default=LatePolicy.PENALTY
    )
    penalty_per_day = models.DecimalField(
        _("penalty per late day (%)"),
        max_digits=5,
        decimal_places=2,
        default=10,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Taken off the score for each started day of lateness."),
    )
    penalty_cap = models.DecimalField(
        _("largest penalty (%)"),
        max_digits=5,
        decimal_places=2,
        default=50,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("How many times a learner may submit; the last attempt counts."),
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0)],
        help_text=_("Its share of the cohort's grade, relative to the others."),
    )
    timeout_per_cell = models.PositiveSmallIntegerField(
        _("time limit per cell (s)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
        help_text=_("Autograding stops a cell that runs longer."),
    )
    required = models.BooleanField(
        _("required to pass"),
        default=False,
        help_text=_("Without a graded attempt at it, nobody passes the cohort."),
    )
    reveal_hidden_tests = models.BooleanField(
        _("reveal hidden tests after the due date"),
        default=False,
        help_text=_("Otherwise feedback never shows them."),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State, default=State.CHECKING, editable=False
    )
    problems = models.JSONField(_("problems"), default=list, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["cohort", "due_at", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "name"], name="assignment_name_unique_per_cohort"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.name})"

    def clean(self) -> None:
        errors = {}
        if self.release_at and self.due_at and self.due_at <= self.release_at:
            errors["due_at"] = ERROR_DUE_BEFORE_RELEASE
        if (
            self.penalty_cap is not None
            and self.penalty_per_day is not None
            and self.penalty_cap < self.penalty_per_day
        ):
            errors["penalty_cap"] = ERROR_CAP_BELOW_PENALTY
        if errors:
            raise ValidationError(errors)

    def delete(self, *args, **kwargs):
        # As stored, not as edited in memory: the record decides what the
        # cohort's rule requires.
        if Assignment.objects.filter(pk=self.pk, required=True).exists():
            raise ValidationError(ERROR_REQUIRED_DELETE, code="required")
        return super().delete(*args, **kwargs)

    def problem_texts(self) -> list[str]:
        """The problems found in the sources, in the reader's language."""
        return [gettext(p["template"]) % p["params"] for p in self.problems]

    def is_released(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.state == self.State.READY
            and self.release_at is not None
            and self.release_at <= now
        )

    def attempts_left(self, used: int) -> int:
        """How many more times a learner who made ``used`` attempts may submit."""
        return max(0, self.max_attempts - used)


def _file_path(instance, filename: str) -> str:
    # A random folder per file: names never collide, never guessable.
    return f"{instance.storage_prefix}/{uuid.uuid4().hex}/{filename.rsplit('/', 1)[-1]}"


class StoredFile(models.Model):
    """A file kept through Django's storage API, with its size and checksum."""

    path = models.CharField(_("path"), max_length=255)
    file = models.FileField(_("file"), upload_to=_file_path, max_length=400)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        abstract = True
        ordering = ["path"]

    def __str__(self) -> str:
        return self.path

    @staticmethod
    def digest(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()


class AssignmentFile(LearnerRecord, StoredFile):
    """A source file (the instructor's), or one of the release (the learners')."""

    class Kind(models.TextChoices):
        SOURCE = "source", _("Source")
        RELEASE = "release", _("Release")
        PREVIEW = "preview", _("Preview")

    storage_prefix = "assignments"
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="files"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind)

    class Meta(StoredFile.Meta):
        verbose_name = _("assignment file")
        verbose_name_plural = _("assignment files")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "kind", "path"],
                name="one_assignment_file_per_path",
            )
        ]


class Extension(LearnerRecord, models.Model):
    """A later due date for one learner."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="extensions",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="extensions",
    )
    due_at = models.DateTimeField(_("new due date"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "user"], name="one_extension_per_learner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.assignment.name}"


class Formgrader(models.Model):
    """A cohort's nbgrader formgrader on the hub, for grading by hand: when the
    LMS last synced it (scores by hand back to the LMS, graded attempts in)."""

    cohort = models.OneToOneField(
        "courses.Cohort", on_delete=models.CASCADE, related_name="formgrader"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    synced_at = models.DateTimeField(_("last synced"), null=True, blank=True)
    sync_error = models.TextField(_("last sync error"), blank=True)
    # What makes the sweeper sync again: a grading or a score by hand in the
    # LMS since (``lms_changed``), or another gradebook file than last time.
    lms_changed = models.BooleanField(default=True, editable=False)
    gradebook_mark = models.CharField(max_length=80, blank=True, editable=False)

    class Meta:
        verbose_name = _("formgrader")
        verbose_name_plural = _("formgraders")

    def __str__(self) -> str:
        return f"formgrader · {self.cohort}"
