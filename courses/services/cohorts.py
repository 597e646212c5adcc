from django.db import transaction

from courses.models import Cohort

from .catalogue_cache import catalogue_changed
from .enrollment import waitlist_promote


def _lab_course_id(cohort: Cohort) -> str:
    return f"{cohort.course.code}-{cohort.code}"


@transaction.atomic
def cohort_save(*, cohort: Cohort, instructors=None) -> Cohort:
    """Create or update a cohort; more seats go to the waitlist at once."""
    creating = cohort.pk is None
    if creating:
        cohort.lab_course_id = _lab_course_id(cohort)
    else:
        # Lock first so that the seat check in clean() sees every enrolment.
        Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
    cohort.full_clean()
    cohort.save()
    if instructors is not None:
        cohort.instructors.set(instructors)
    if not creating:
        waitlist_promote(cohort=cohort)
    catalogue_changed()
    return cohort
