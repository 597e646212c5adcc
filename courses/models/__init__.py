from .assignments import (
    Assignment,
    AssignmentFile,
    Extension,
    Formgrader,
    Submission,
    SubmissionFeedback,
    SubmissionFile,
    SubmissionScore,
)
from .cohorts import Cohort
from .completion import (
    ApiToken,
    Certificate,
    Completion,
    LabActivity,
    TrackCompletion,
)
from .enrollment import Enrollment, EnrollmentEvent, Invitation
from .institutions import Institution
from .pages import CataloguePage, CoursePage, ProgressPage, TrackPage
from .targets import TalentProgramme, TalentTarget

__all__ = [
    "ApiToken",
    "Certificate",
    "Completion",
    "LabActivity",
    "ProgressPage",
    "TrackCompletion",
    "Assignment",
    "AssignmentFile",
    "Extension",
    "Formgrader",
    "Submission",
    "SubmissionFeedback",
    "SubmissionFile",
    "SubmissionScore",
    "CataloguePage",
    "Cohort",
    "CoursePage",
    "Enrollment",
    "EnrollmentEvent",
    "Institution",
    "Invitation",
    "TalentProgramme",
    "TalentTarget",
    "TrackPage",
]
