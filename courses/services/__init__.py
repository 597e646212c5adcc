from .assignments import assignment_check, assignment_release, assignment_save
from .catalogue_cache import catalogue_changed
from .cohorts import cohort_save
from .enrollment import (
    EnrollmentOutcome,
    enrollment_apply,
    enrollment_approve,
    enrollment_create,
    enrollment_join_by_invitation,
    enrollment_reject,
    enrollment_withdraw,
    waitlist_promote,
)
from .errors import ServiceError
from .invitations import invitation_accept, invitation_create

__all__ = [
    "assignment_check",
    "assignment_release",
    "assignment_save",
    "EnrollmentOutcome",
    "ServiceError",
    "catalogue_changed",
    "cohort_save",
    "enrollment_apply",
    "enrollment_approve",
    "enrollment_create",
    "enrollment_join_by_invitation",
    "enrollment_reject",
    "enrollment_withdraw",
    "invitation_accept",
    "invitation_create",
    "waitlist_promote",
]
