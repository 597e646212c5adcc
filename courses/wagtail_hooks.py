from wagtail import hooks
from wagtail.snippets.models import register_snippet

from courses.bulk_actions import ApproveBulkAction, RejectBulkAction, WithdrawBulkAction
from courses.viewsets import EnrollmentViewSet, LearningGroup, PipelineGroup


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [LearningGroup(), PipelineGroup()]


register_snippet(EnrollmentViewSet)

for action in (ApproveBulkAction, RejectBulkAction, WithdrawBulkAction):
    hooks.register("register_bulk_action", action)
