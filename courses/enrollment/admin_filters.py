"""Filters of the admin's enrolment and invitation lists."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from courses.enrollment.models import Enrollment, Invitation
from courses.enrollment.permissions import cohorts_manageable_by


def _my_cohorts(request):
    return cohorts_manageable_by(request.user) if request else None


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
