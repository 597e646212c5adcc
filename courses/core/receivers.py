"""Roles after migrate, and each institution's editors as its staff change."""

from django.apps import apps as django_apps
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from courses.core.models import Institution
from courses.core.roles import institution_editors_sync, roles_ensure


def roles_after_migrate(sender, apps=None, **kwargs) -> None:
    # Migrated back before institutions owned pages: no editors to sync.
    try:
        institution = (apps or django_apps).get_model("courses", "Institution")
    except LookupError:
        institution = None
    roles_ensure(editors=hasattr(institution, "catalogue_pages"))


@receiver(m2m_changed, sender="courses.Institution_staff")
def _institution_staff_changed(sender, instance, action, reverse, pk_set, **kwargs):
    # Staff join and leave in the institution form and the user's own record;
    # they write their institution's catalogue pages, so its editors follow.
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        institutions = [instance]
    elif pk_set is None:  # a person's institutions cleared: which ones is unknown
        institutions = Institution.objects.all()
    else:
        institutions = Institution.objects.filter(pk__in=pk_set)
    for institution in institutions:
        institution_editors_sync(institution=institution)
