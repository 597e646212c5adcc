"""Admin permission policies: model permissions from groups, narrowed per object.

The object scope comes from ``courses.selectors.permissions`` so the admin and the
rest of the code agree on who may manage which cohort.
"""

from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from courses import selectors


class CohortScopedPolicy(ModelPermissionPolicy):
    """Model permissions, limited to the objects of cohorts the user manages."""

    def __init__(self, model, *, scope, read_only_actions=()):
        super().__init__(model)
        self.scope = scope
        self.read_only_actions = set(read_only_actions)

    def user_has_permission(self, user, action):
        if action in self.read_only_actions:
            return False
        return super().user_has_permission(user, action)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model.objects.none()
        return self.scope(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return (
            self.user_has_permission(user, action)
            and self.scope(user).filter(pk=instance.pk).exists()
        )

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(
            self.user_has_permission_for_instance(user, action, instance)
            for action in actions
        )


def register_policies() -> None:
    """Register the scoped policies with Wagtail (before any viewset asks)."""
    # deferred: no cycle today; could move to the top (issue 17)
    from courses.models import Assignment, Cohort, Enrollment, Invitation, Submission

    register_permission_policy(
        Cohort, CohortScopedPolicy(Cohort, scope=selectors.cohorts_manageable_by)
    )
    # Enrolments change only through services (approve, reject, withdraw), which
    # keep the history; nobody edits or deletes them as raw records.
    register_permission_policy(
        Enrollment,
        CohortScopedPolicy(
            Enrollment,
            scope=selectors.enrollments_manageable_by,
            read_only_actions=("add", "change", "delete"),
        ),
    )
    register_permission_policy(
        Assignment,
        CohortScopedPolicy(Assignment, scope=selectors.assignments_manageable_by),
    )
    # Submissions are the learners' own: staff read them, nobody edits them.
    register_permission_policy(
        Submission,
        CohortScopedPolicy(
            Submission,
            scope=selectors.submissions_manageable_by,
            read_only_actions=("add", "change", "delete"),
        ),
    )
    register_permission_policy(
        Invitation,
        CohortScopedPolicy(
            Invitation,
            scope=selectors.invitations_manageable_by,
            read_only_actions=("change",),
        ),
    )
