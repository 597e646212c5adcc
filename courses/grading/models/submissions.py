"""Attempts, their files, question scores and feedback pages."""

import datetime as dt
import decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.core.models import LearnerRecord
from courses.grading.models.assignments import Assignment, StoredFile


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
