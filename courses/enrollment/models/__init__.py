"""The enrollment slice's models: cohorts, enrolments and invitations."""

from courses.enrollment.models.cohorts import (
    ERROR_COURSE_LOCALE,
    ERROR_ENDS_BEFORE_START,
    ERROR_SEATS_BELOW_TAKEN,
    ERROR_WINDOW_AFTER_END,
    ERROR_WINDOW_ORDER,
    Cohort,
)
from courses.enrollment.models.enrollments import (
    Enrollment,
    EnrollmentEvent,
    Invitation,
)

__all__ = [
    "ERROR_ENDS_BEFORE_START",
    "ERROR_WINDOW_ORDER",
    "ERROR_WINDOW_AFTER_END",
    "ERROR_SEATS_BELOW_TAKEN",
    "ERROR_COURSE_LOCALE",
    "Cohort",
    "Enrollment",
    "EnrollmentEvent",
    "Invitation",
]
