from .assignments import Assignment, AssignmentFile, Submission, SubmissionFile
from .cohorts import Cohort
from .enrollment import Enrollment, EnrollmentEvent, Invitation
from .institutions import Institution
from .pages import CataloguePage, CoursePage, TrackPage
from .targets import TalentProgramme, TalentTarget

__all__ = [
    "Assignment",
    "AssignmentFile",
    "Submission",
    "SubmissionFile",
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
