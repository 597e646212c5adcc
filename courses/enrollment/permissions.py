"""Who may manage which cohort and what hangs off it."""

from django.db.models import Q, QuerySet

from courses.enrollment.models import Cohort, Enrollment, Invitation


def _cohort_scope(user) -> Q | None:
    """A filter on Cohort for ``user``; None means no restriction."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return None
    return Q(institution__staff=user) | Q(instructors=user)


def _scoped(queryset: QuerySet, user, prefix: str = "") -> QuerySet:
    scope = _cohort_scope(user)
    if scope is None:
        return queryset
    if prefix:
        scope = Q(**{f"{prefix}__in": Cohort.objects.filter(scope).values("pk")})
        return queryset.filter(scope)
    return queryset.filter(pk__in=Cohort.objects.filter(scope).values("pk"))


def cohorts_manageable_by(user) -> QuerySet[Cohort]:
    """Cohorts whose rosters, settings and invitations ``user`` may manage."""
    return _scoped(Cohort.objects.all(), user)


def enrollments_manageable_by(user) -> QuerySet[Enrollment]:
    """Enrolments in the cohorts ``user`` manages."""
    return _scoped(Enrollment.objects.all(), user, prefix="cohort")


def invitations_manageable_by(user) -> QuerySet[Invitation]:
    return _scoped(Invitation.objects.all(), user, prefix="cohort")


def user_can_manage_cohort(user, cohort: Cohort) -> bool:
    return cohorts_manageable_by(user).filter(pk=cohort.pk).exists()
