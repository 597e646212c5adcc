"""Saving a cohort: its waitlist, lab groups, editors and standings follow."""

from django.db import transaction

from courses.catalogue.cache import catalogue_changed
from courses.core.roles import institution_editors_sync
from courses.enrollment.models import Cohort
from courses.enrollment.services import waitlist_promote
from courses.enrollment.signals import seats_change, standing_change


def _lab_course_id(cohort: Cohort) -> str:
    return f"{cohort.course.code}-{cohort.code}"


@transaction.atomic
def cohort_save(*, cohort: Cohort, instructors=None) -> Cohort:
    """Create or update a cohort; more seats go to the waitlist at once; the lab
    groups follow its instructors and, if it is cancelled, its learners."""
    creating = cohort.pk is None
    before = None
    if creating:
        cohort.lab_course_id = _lab_course_id(cohort)
    else:
        # Lock first so that the seat check in clean() sees every enrolment.
        before = Cohort.objects.select_for_update(of=("self",)).get(pk=cohort.pk)
    teachers = set(before.instructors.values_list("pk", flat=True)) if before else set()
    cohort.full_clean()
    cohort.save()
    if instructors is not None:
        cohort.instructors.set(instructors)
        teachers |= {user.pk for user in instructors}
    if not creating:
        waitlist_promote(cohort=cohort)
    affected = teachers
    if before is not None and before.is_cancelled != cohort.is_cancelled:
        affected |= set(cohort.enrollments.values_list("user_id", flat=True))
    seats_change(*affected)
    _editors_sync(before, cohort, instructors_changed=instructors is not None)
    catalogue_changed()
    if before is not None and _rule_changed(before, cohort):
        standing_change(cohort_id=cohort.pk)
    return cohort


def _editors_sync(before: Cohort | None, after: Cohort, *, instructors_changed):
    """Instructors write their institution's pages: follow who teaches where."""
    moved = before is not None and before.institution_id != after.institution_id
    if moved:
        institution_editors_sync(institution=before.institution)
    if instructors_changed or moved:
        institution_editors_sync(institution=after.institution)


def _rule_changed(before: Cohort, after: Cohort) -> bool:
    return (before.pass_mark, before.attendance_required) != (
        after.pass_mark,
        after.attendance_required,
    )
