import datetime as dt
import decimal
import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .base import LearnerRecord

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


class Submission(LearnerRecord, models.Model):
    """One attempt of one learner at an assignment, as received."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        GRADING = "grading", _("Grading")
        GRADED = "graded", _("Graded")
        MANUAL = "manual", _("Needs grading by hand")
        FAILED = "failed", _("Could not be graded")

    class Source(models.TextChoices):
        LAB = "lab", _("From the lab")
        UPLOAD = "upload", _("Uploaded on the assignment page")

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="submissions",
    )
    attempt = models.PositiveSmallIntegerField(_("attempt"))
    submitted_at = models.DateTimeField(_("submitted at"))
    late_by = models.DurationField(_("late by"), default=dt.timedelta)
    source = models.CharField(_("from"), max_length=8, choices=Source)
    idempotency_key = models.CharField(max_length=80, blank=True, editable=False)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.RECEIVED
    )
    # Scores before the late penalty; None until graded (never 0 for "unknown").
    score = models.DecimalField(
        _("score"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    max_score = models.DecimalField(
        _("out of"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    penalty = models.DecimalField(
        _("late penalty (%)"), max_digits=5, decimal_places=2, default=0
    )
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)
    grading_error = models.TextField(_("why it could not be graded"), blank=True)
    grading_seconds = models.FloatField(null=True, blank=True, editable=False)
    # What the learner and the instructor are told about this grading (a limit
    # reached, a kernel that died, a changed test): [{"code": ..., **params}],
    # rendered in the reader's language (courses/grading_notes.py).
    grading_notes = models.JSONField(
        _("grading notes"), default=list, blank=True, editable=False
    )
    feedback_released_at = models.DateTimeField(
        _("feedback released at"), null=True, blank=True
    )
    # The grading lease: a worker owns the job while lease_until is ahead; a
    # killed worker's job is handed out again once it passes (see grading.py).
    grading_tries = models.PositiveSmallIntegerField(default=0, editable=False)
    lease_token = models.CharField(max_length=32, blank=True, editable=False)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    # A job that failed for a reason outside the learner's code waits until
    # then before it is tried again (backoff; services/grading).
    retry_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The attempt (nbgrader timestamp) last put into the cohort's formgrader
    # with its current automatic scores; "" after a regrade (services/formgrader).
    formgrader_timestamp = models.CharField(max_length=40, blank=True, editable=False)
    # Comments graders wrote in the formgrader, "<notebook>/<cell>": text; they
    # go into the feedback (services/formgrader, services/feedback).
    grader_comments = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["assignment", "user", "attempt"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "user", "attempt"],
                name="one_submission_per_attempt",
            ),
            models.UniqueConstraint(
                fields=["assignment", "user", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="one_submission_per_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.assignment.name} · {self.attempt}"

    @property
    def is_late(self) -> bool:
        return self.late_by > dt.timedelta(0)

    @property
    def final_score(self) -> decimal.Decimal | None:
        """The score with the late penalty taken off."""
        if self.score is None:
            return None
        kept = (100 - self.penalty) / 100
        return (self.score * kept).quantize(decimal.Decimal("0.01"))

    @property
    def is_scored(self) -> bool:
        return self.status == self.Status.GRADED and self.score is not None

    @property
    def nbgrader_timestamp(self) -> str:
        """The submission time the way nbgrader writes it (UTC)."""
        moment = self.submitted_at.astimezone(dt.UTC)
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f UTC")


class SubmissionFile(LearnerRecord, StoredFile):
    """A file of a submission, exactly as the learner sent it."""

    storage_prefix = "submissions"
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="files"
    )

    class Meta(StoredFile.Meta):
        verbose_name = _("submitted file")
        verbose_name_plural = _("submitted files")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "path"], name="one_submission_file_per_path"
            )
        ]


class SubmissionScore(LearnerRecord, models.Model):
    """One graded cell of a submitted notebook: a test, or an answer by hand."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="scores"
    )
    notebook = models.CharField(_("notebook"), max_length=255)
    cell = models.CharField(_("question"), max_length=255)
    cell_type = models.CharField(max_length=10)
    score = models.DecimalField(
        _("score"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    max_score = models.DecimalField(_("out of"), max_digits=8, decimal_places=2)
    auto_score = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True
    )
    manual_score = models.DecimalField(
        _("score by hand"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    needs_manual_grade = models.BooleanField(_("needs grading by hand"))
    failed_tests = models.BooleanField(_("failed tests"), default=False)
    # The score by hand both the LMS and the formgrader held at the last sync:
    # whichever side differs from it changed since (services/formgrader).
    formgrader_base = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("question score")
        verbose_name_plural = _("question scores")
        ordering = ["submission", "notebook", "cell"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "notebook", "cell"],
                name="one_score_per_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.notebook} · {self.cell}"


class SubmissionFeedback(LearnerRecord, StoredFile):
    """nbgrader's feedback page of one notebook (hidden tests removed)."""

    storage_prefix = "feedback"
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="feedback"
    )

    class Meta(StoredFile.Meta):
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "path"], name="one_feedback_file_per_path"
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
