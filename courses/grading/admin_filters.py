"""Filters of the admin's assignment and submission lists."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from courses.enrollment.admin_filters import _my_cohorts
from courses.grading.models import Assignment, Submission
from courses.grading.permissions import assignments_manageable_by


class AssignmentFilterSet(WagtailFilterSet):
    cohort = django_filters.ModelChoiceFilter(label=_("Cohort"), queryset=_my_cohorts)

    class Meta:
        model = Assignment
        fields = ["state", "cohort"]


def _my_assignments(request):
    return assignments_manageable_by(request.user) if request else None


class SubmissionFilterSet(WagtailFilterSet):
    assignment = django_filters.ModelChoiceFilter(
        label=_("Assignment"), queryset=_my_assignments
    )

    class Meta:
        model = Submission
        fields = ["assignment", "status", "source"]
