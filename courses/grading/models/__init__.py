"""The grading slice's models: assignments and their files, submissions and scores."""

from courses.grading.models.assignments import (
    ERROR_CAP_BELOW_PENALTY,
    ERROR_DUE_BEFORE_RELEASE,
    ERROR_REQUIRED_DELETE,
    Assignment,
    AssignmentFile,
    Extension,
    Formgrader,
    StoredFile,
)
from courses.grading.models.submissions import (
    Submission,
    SubmissionFeedback,
    SubmissionFile,
    SubmissionScore,
)

__all__ = [
    "ERROR_DUE_BEFORE_RELEASE",
    "ERROR_CAP_BELOW_PENALTY",
    "ERROR_REQUIRED_DELETE",
    "Assignment",
    "AssignmentFile",
    "Extension",
    "Formgrader",
    "StoredFile",
    "Submission",
    "SubmissionFeedback",
    "SubmissionFile",
    "SubmissionScore",
]
