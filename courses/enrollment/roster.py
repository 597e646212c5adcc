"""A cohort's roster for staff: who is in it, filtered and searched, with the
columns the slices above add (lab activity, attempts, grade, completion)."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from courses.enrollment.models import Cohort, Enrollment
from courses.enrollment.permissions import (
    cohorts_manageable_by,
    enrollments_manageable_by,
)
from courses.enrollment.selectors import cohorts_with_seats, with_waitlist_position
from courses.enrollment.signals import roster_columns_for

BLANK = "—"


@dataclass(frozen=True)
class RosterRow:
    enrollment: Enrollment
    values: list[str]  # in the order of the headers


def roster_enrollments(
    *, cohort: Cohort, status: str = "", query: str = ""
) -> QuerySet[Enrollment]:
    """The cohort's enrolments, of ``status`` if given, whose person's name or
    e-mail contains ``query``; by name."""
    enrollments = with_waitlist_position(cohort.enrollments.all()).select_related(
        "user"
    )
    if status:
        enrollments = enrollments.filter(status=status)
    if query := query.strip():
        enrollments = enrollments.filter(
            Q(user__full_name__icontains=query) | Q(user__email__icontains=query)
        )
    return enrollments.order_by("user__full_name", "user__email", "pk")


def roster_chosen(*, user, cohort: Cohort, ids) -> list[Enrollment]:
    """The enrolments among ``ids`` in ``cohort`` that ``user`` manages; others
    are ignored unseen."""
    ids = [i for i in ids if str(i).isdigit()]
    return list(
        enrollments_manageable_by(user)
        .filter(cohort=cohort, pk__in=ids)
        .select_related("user", "cohort")
        .order_by("user__full_name", "pk")
    )


def roster_table(
    *, cohort: Cohort, enrollments: list[Enrollment]
) -> tuple[list[str], list[RosterRow]]:
    """Headers and one row per enrolment: the enrolment's own columns, then each
    slice's (one query per slice for all of ``enrollments``)."""
    columns = roster_columns_for(cohort=cohort, enrollments=enrollments)
    headers = [_("Name"), _("Email"), _("Status"), _("Waitlist position")]
    headers += [column.header for column in columns]
    rows = []
    for enrollment in enrollments:
        position = getattr(enrollment, "waitlist_position", None)
        values = [
            enrollment.user.get_full_name(),
            enrollment.user.email,
            str(enrollment.get_status_display()),
            str(position) if position else BLANK,
        ]
        values += [column.values.get(enrollment.pk, BLANK) for column in columns]
        rows.append(RosterRow(enrollment, values))
    return headers, rows


def my_cohorts(*, user) -> QuerySet[Cohort]:
    """The cohorts ``user`` manages, with their seats, newest first: all of their
    institutions' for staff, those they teach for instructors."""
    return (
        cohorts_with_seats(cohorts_manageable_by(user))
        .select_related("course", "institution")
        .order_by("-starts_on", "lab_course_id")
    )
