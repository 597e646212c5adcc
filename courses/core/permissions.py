"""Who may manage which cohorts: the one place that narrows admin access.

Administrators (superusers) manage everything. Programme staff manage the cohorts
of their institutions; instructors the cohorts they teach. Nobody else any.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from wagtail.models import Page
from wagtail.permissions import policy_registry

from courses.core.models import Institution


def institutions_of(user) -> QuerySet[Institution]:
    """Institutions for which ``user`` may create cohorts."""
    if user.is_superuser:
        return Institution.objects.all()
    return Institution.objects.filter(staff=user)


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
