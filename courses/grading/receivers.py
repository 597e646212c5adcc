"""Grading answers enrollment: the attempts and weighted grade on a cohort's
roster (enrollment/signals.py ``roster_columns``)."""

from django.db.models import Count
from django.dispatch import receiver
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from courses.enrollment.signals import RosterColumn, roster_columns
from courses.grading.models import Submission
from courses.grading.selectors.gradebook import cohort_gradebook


@receiver(roster_columns)
def _attempts_and_grade(sender, cohort, enrollments, **kwargs) -> list[RosterColumn]:
    users = {e.user_id: e.pk for e in enrollments}
    counts = (
        Submission.objects.filter(assignment__cohort=cohort, user__in=users)
        .values("user")
        .annotate(n=Count("pk"))
        .values_list("user", "n")
    )
    attempts = {users[user_id]: str(n) for user_id, n in counts}
    grades = {
        users[row.learner.pk]: f"{floatformat(row.total, '-2')}%"
        for row in cohort_gradebook(cohort=cohort, users=list(users)).rows
        if row.total is not None and row.learner.pk in users
    }
    return [
        RosterColumn(_("Attempts"), attempts, order=20),
        RosterColumn(_("Grade"), grades, order=21),
    ]
