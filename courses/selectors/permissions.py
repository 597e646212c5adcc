"""Who may manage which cohorts: the one place that narrows admin access.

Administrators (superusers) manage everything. Programme staff manage the cohorts
of their institutions; instructors the cohorts they teach. Nobody else any.
"""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from wagtail.models import ModelLogEntry, Page, PageLogEntry
from wagtail.permissions import policy_registry

from courses.models import (
    Assignment,
    Cohort,
    Enrollment,
    Institution,
    Invitation,
    Submission,
)


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


def assignments_manageable_by(user) -> QuerySet[Assignment]:
    return _scoped(Assignment.objects.all(), user, prefix="cohort")


def submissions_manageable_by(user) -> QuerySet[Submission]:
    return _scoped(Submission.objects.all(), user, prefix="assignment__cohort")


def institutions_of(user) -> QuerySet[Institution]:
    """Institutions for which ``user`` may create cohorts."""
    if user.is_superuser:
        return Institution.objects.all()
    return Institution.objects.filter(staff=user)


def user_can_manage_cohort(user, cohort: Cohort) -> bool:
    return cohorts_manageable_by(user).filter(pk=cohort.pk).exists()


def institution_editors(*, institution: Institution) -> QuerySet:
    """People who write ``institution``'s catalogue pages: its staff and the
    instructors of its cohorts."""
    return (
        get_user_model()
        .objects.filter(
            Q(staffed_institutions=institution)
            | Q(taught_cohorts__institution=institution)
        )
        .distinct()
    )


def pages_editable_by(user) -> QuerySet[Page]:
    """Pages ``user`` may add to, edit or publish (their institutions' subtrees)."""
    policy = policy_registry.get_by_type(Page)
    return policy.instances_user_has_any_permission_for(
        user, ["add", "change", "publish"]
    )


def page_is_institution_root(page: Page) -> bool:
    """Whether ``page`` is the root of some institution's own subtree."""
    return Institution.objects.filter(catalogue_pages=page).exists()


def _logged_scopes():
    return [
        (Cohort, cohorts_manageable_by),
        (Enrollment, enrollments_manageable_by),
        (Invitation, invitations_manageable_by),
        (Assignment, assignments_manageable_by),
        (Submission, submissions_manageable_by),
        (Institution, institutions_of),
    ]


def log_entries_viewable_by(user, log_model) -> QuerySet:
    """Admin log entries (``ModelLogEntry`` or ``PageLogEntry``) about objects
    ``user`` may manage; administrators see them all."""
    entries = log_model.objects.all()
    if user.is_active and user.is_superuser:
        return entries
    if issubclass(log_model, PageLogEntry):
        return entries.filter(page__in=pages_editable_by(user).values("pk"))
    if not issubclass(log_model, ModelLogEntry):
        return entries.none()
    # Log entries keep the object id as text, so the scope's keys are cast to match.
    visible = Q(pk__in=[])
    for model, scope in _logged_scopes():
        keys = scope(user).annotate(key=Cast("pk", CharField())).values("key")
        content_type = ContentType.objects.get_for_model(model)
        visible |= Q(content_type=content_type, object_id__in=keys)
    return entries.filter(visible)
