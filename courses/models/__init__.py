from .assignments import (
    Assignment,
    AssignmentFile,
    Extension,
    Submission,
    SubmissionFeedback,
    SubmissionFile,
    SubmissionScore,
)
from .cohorts import Cohort
from .enrollment import Enrollment, EnrollmentEvent, Invitation
from .institutions import Institution
from .pages import CataloguePage, CoursePage, TrackPage
from .targets import TalentProgramme, TalentTarget

__all__ = [
    "Assignment",
    "AssignmentFile",
    "Extension",
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
