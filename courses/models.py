"""Gathers the slices' models so Django finds them under the ``courses`` app.

Code imports models from their slice (``courses.grading.models``), never from here.
"""

from courses.catalogue.models import CataloguePage, CoursePage, ProgressPage, TrackPage
from courses.completion.models import Certificate, Completion, TrackCompletion
from courses.core.models import Institution
from courses.enrollment.models import Cohort, Enrollment, EnrollmentEvent, Invitation
from courses.grading.models import (
    Assignment,
    AssignmentFile,
    Extension,
    Formgrader,
    Submission,
    SubmissionFeedback,
    SubmissionFile,
    SubmissionScore,
)
from courses.lab.models import LabActivity
from courses.reporting.models import (
    ApiToken,
    TalentProgramme,
    TalentTarget,
)

__all__ = [
    "Institution",
    "ProgressPage",
    "CataloguePage",
    "TrackPage",
    "CoursePage",
    "Cohort",
    "Enrollment",
    "EnrollmentEvent",
    "Invitation",
    "LabActivity",
    "Assignment",
    "AssignmentFile",
    "Extension",
    "Formgrader",
    "Submission",
    "SubmissionFeedback",
    "SubmissionFile",
    "SubmissionScore",
    "Completion",
    "TrackCompletion",
    "Certificate",
    "ApiToken",
    "ProgressPage",
    "TalentProgramme",
    "TalentTarget",
]
