"""Admin permission policies: model permissions from groups, narrowed per object.

The object scope comes from ``courses.selectors.permissions`` so the admin and the
rest of the code agree on who may manage which cohort.
"""

from wagtail.permission_policies import ModelPermissionPolicy


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
