"""Who may manage which assignment and attempt."""

from django.db.models import QuerySet

from courses.enrollment.permissions import _scoped
from courses.grading.models import Assignment, Submission


def assignments_manageable_by(user) -> QuerySet[Assignment]:
    return _scoped(Assignment.objects.all(), user, prefix="cohort")


def submissions_manageable_by(user) -> QuerySet[Submission]:
    return _scoped(Submission.objects.all(), user, prefix="assignment__cohort")
