"""Who belongs in which lab group: the one definition used by the sign-in claims
and by the group sync pushed to the hub, so the two never disagree."""

from courses.enrollment.models import Enrollment
from courses.jupyter.names import ADMIN_GROUP, grader_group, learner_group


def lab_groups_for(user) -> set[str]:
    """The hub groups ``user`` belongs in: learners of their enrolled cohorts,
    graders of the cohorts they teach, administrators if they are one."""
    if not user.is_authenticated or not user.is_active:
        return set()
    # A learner who passed keeps the lab of the cohort, as while enrolled.
    enrolled = Enrollment.objects.filter(
        user=user,
        status__in=(Enrollment.Status.ENROLLED, Enrollment.Status.COMPLETED),
        cohort__is_cancelled=False,
    ).values_list("cohort__lab_course_id", flat=True)
    taught = user.taught_cohorts.filter(is_cancelled=False).values_list(
        "lab_course_id", flat=True
    )
    groups = {learner_group(c) for c in enrolled} | {grader_group(c) for c in taught}
    if user.is_superuser:
        groups.add(ADMIN_GROUP)
    return groups
