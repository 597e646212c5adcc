"""Receivers: roles after migrate, and the catalogue cache on admin changes.

Page publishing happens inside Wagtail, and the admin deletes cohorts and edits
institutions without a service, so signals are the only place to learn that a
visitor's view of the catalogue changed.
"""

from django.apps import apps as django_apps
from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished, post_page_move

from courses.services.catalogue_cache import catalogue_changed


def roles_after_migrate(sender, apps=None, **kwargs) -> None:
    # deferred: no cycle today; could move to the top (issue 17)
    from courses.services.roles import roles_ensure

    # Migrated back before institutions owned pages: no editors to sync.
    try:
        institution = (apps or django_apps).get_model("courses", "Institution")
    except LookupError:
        institution = None
    roles_ensure(editors=hasattr(institution, "catalogue_pages"))


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def _page_changed(sender, **kwargs) -> None:
    catalogue_changed()


@receiver(post_delete)
def _page_or_cohort_deleted(sender, instance, **kwargs) -> None:
    # deferred: no cycle today; could move to the top (issue 17)
    from wagtail.models import Page

    from courses.models import Cohort

    # The admin deletes pages and cohorts itself, without a service.
    if isinstance(instance, Page | Cohort):
        catalogue_changed()


@receiver(pre_delete, sender="courses.Cohort")
def _cohort_deleted(sender, instance, **kwargs) -> None:
    # Before the delete, while its instructors are still known: their grader
    # group goes, and so do the cohort's groups on the hub.
    # deferred: no cycle today; could move to the top (issue 17)
    from courses.services.lab import lab_sync_later
    from courses.tasks import delete_lab_groups

    lab_sync_later(*instance.instructors.values_list("pk", flat=True))
    if settings.HUB_API_URL:
        lab_id = instance.lab_course_id
        transaction.on_commit(lambda: delete_lab_groups.enqueue(lab_id))


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def _person_saved(sender, instance, update_fields=None, **kwargs) -> None:
    # Accounts are disabled or made administrators in the generic user admin.
    if update_fields is not None and not {"is_active", "is_superuser"} & set(
        update_fields
    ):
        return  # e.g. last_login at every sign-in
    # deferred: no cycle today; could move to the top (issue 17)
    from courses.services.lab import lab_access_revoke, lab_sync_later

    if not instance.is_active:
        lab_access_revoke(user=instance)
    else:
        lab_sync_later(instance.pk)


@receiver(post_save, sender="courses.Institution")
def _institution_saved(sender, **kwargs) -> None:
    # Cohort cards show the institution's name, edited in the generic admin.
    catalogue_changed()


@receiver(m2m_changed, sender="courses.Institution_staff")
def _institution_staff_changed(sender, instance, action, reverse, pk_set, **kwargs):
    # Staff join and leave in the institution form and the user's own record;
    # they write their institution's catalogue pages, so its editors follow.
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    # deferred: no cycle today; could move to the top (issue 17)
    from courses.models import Institution
    from courses.services.roles import institution_editors_sync

    if not reverse:
        institutions = [instance]
    elif pk_set is None:  # a person's institutions cleared: which ones is unknown
        institutions = Institution.objects.all()
    else:
        institutions = Institution.objects.filter(pk__in=pk_set)
    for institution in institutions:
        institution_editors_sync(institution=institution)


@receiver(post_delete, sender="courses.Cohort")
def _cohort_gone_from_editors(sender, instance, **kwargs) -> None:
    # The admin deletes cohorts without a service: their instructors stop
    # writing the institution's pages unless they teach another of its cohorts.
    # deferred: no cycle today; could move to the top (issue 17)
    from courses.services.roles import institution_editors_sync

    institution_editors_sync(institution=instance.institution)
