"""Wagtail finds this module: the admin's menu groups, and every slice's hooks."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.snippets.models import register_snippet

from courses.catalogue.admin import InstitutionViewSet

# Each slice registers its own admin URLs, menu items and page hooks.
from courses.completion import wagtail_hooks as _completion  # noqa: F401
from courses.core import wagtail_hooks as _core  # noqa: F401
from courses.enrollment import wagtail_hooks as _enrollment  # noqa: F401
from courses.enrollment import wagtail_hooks_bulk as _enrollment_bulk  # noqa: F401
from courses.enrollment.admin import CohortViewSet, EnrollmentViewSet, InvitationViewSet
from courses.enrollment.bulk_actions import (
    ApproveBulkAction,
    RejectBulkAction,
    WithdrawBulkAction,
)
from courses.grading import wagtail_hooks as _grading  # noqa: F401
from courses.grading.admin import AssignmentViewSet, SubmissionViewSet
from courses.lab import wagtail_hooks as _lab  # noqa: F401
from courses.reporting import wagtail_hooks as _reporting  # noqa: F401
from courses.reporting.admin import TalentProgrammeViewSet, TalentTargetViewSet


class LearningGroup(ModelViewSetGroup):
    menu_label = _("Learning")
    menu_icon = "group"
    menu_order = 200
    items = (CohortViewSet, InvitationViewSet, AssignmentViewSet, SubmissionViewSet)


class PipelineGroup(ModelViewSetGroup):
    menu_label = _("Pipeline")
    menu_icon = "pick"
    menu_order = 210
    items = (InstitutionViewSet, TalentProgrammeViewSet, TalentTargetViewSet)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [LearningGroup(), PipelineGroup()]


register_snippet(EnrollmentViewSet)

for action in (ApproveBulkAction, RejectBulkAction, WithdrawBulkAction):
    hooks.register("register_bulk_action", action)
