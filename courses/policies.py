from wagtail.permissions import register_permission_policy

from courses.core.policies import CohortScopedPolicy
from courses.enrollment.models import Cohort, Enrollment, Invitation
from courses.enrollment.permissions import (
    cohorts_manageable_by,
    enrollments_manageable_by,
    invitations_manageable_by,
)
from courses.grading.models import Assignment, Submission
from courses.grading.permissions import (
    assignments_manageable_by,
    submissions_manageable_by,
)


def register_policies() -> None:
    """Register the scoped policies with Wagtail (before any viewset asks)."""

    register_permission_policy(
        Cohort, CohortScopedPolicy(Cohort, scope=cohorts_manageable_by)
    )
    # Enrolments change only through services (approve, reject, withdraw), which
    # keep the history; nobody edits or deletes them as raw records.
    register_permission_policy(
        Enrollment,
        CohortScopedPolicy(
            Enrollment,
            scope=enrollments_manageable_by,
            read_only_actions=("add", "change", "delete"),
        ),
    )
    register_permission_policy(
        Assignment,
        CohortScopedPolicy(Assignment, scope=assignments_manageable_by),
    )
    # Submissions are the learners' own: staff read them, nobody edits them.
    register_permission_policy(
        Submission,
        CohortScopedPolicy(
            Submission,
            scope=submissions_manageable_by,
            read_only_actions=("add", "change", "delete"),
        ),
    )
    register_permission_policy(
        Invitation,
        CohortScopedPolicy(
            Invitation,
            scope=invitations_manageable_by,
            read_only_actions=("change",),
        ),
    )
