"""Roster filters whose choices stay within the cohorts one manages."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from courses import selectors
from courses.models import Assignment, Enrollment, Invitation, Submission


def _my_cohorts(request):
    return selectors.cohorts_manageable_by(request.user) if request else None


class EnrollmentFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Enrollment.Status.choices
    )
    cohort = django_filters.ModelChoiceFilter(label=_("Cohort"), queryset=_my_cohorts)

    class Meta:
        model = Enrollment
        fields = ["status", "cohort"]


class InvitationFilterSet(WagtailFilterSet):
    cohort = django_filters.ModelChoiceFilter(label=_("Cohort"), queryset=_my_cohorts)
    accepted = django_filters.BooleanFilter(
        label=_("Accepted"),
        field_name="accepted_at",
        lookup_expr="isnull",
        exclude=True,
    )

    class Meta:
        model = Invitation
        fields = ["cohort"]


class AssignmentFilterSet(WagtailFilterSet):
    cohort = django_filters.ModelChoiceFilter(label=_("Cohort"), queryset=_my_cohorts)

    class Meta:
        model = Assignment
        fields = ["state", "cohort"]


def _my_assignments(request):
    return selectors.assignments_manageable_by(request.user) if request else None


class SubmissionFilterSet(WagtailFilterSet):
    assignment = django_filters.ModelChoiceFilter(
        label=_("Assignment"), queryset=_my_assignments
    )

    class Meta:
        model = Submission
        fields = ["assignment", "status", "source"]
