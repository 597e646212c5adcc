"""Receivers: roles after migrate, and the catalogue cache on admin changes.

Page publishing happens inside Wagtail, and the admin deletes cohorts and edits
institutions without a service, so signals are the only place to learn that a
visitor's view of the catalogue changed.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished, post_page_move

from courses.services.catalogue_cache import catalogue_changed


def roles_after_migrate(sender, **kwargs) -> None:
    from courses.services.roles import roles_ensure

    roles_ensure()


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def _page_changed(sender, **kwargs) -> None:
    catalogue_changed()


@receiver(post_delete)
def _page_or_cohort_deleted(sender, instance, **kwargs) -> None:
    from wagtail.models import Page

    from courses.models import Cohort

    # The admin deletes pages and cohorts itself, without a service.
    if isinstance(instance, Page | Cohort):
        catalogue_changed()


@receiver(post_save, sender="courses.Institution")
def _institution_saved(sender, **kwargs) -> None:
    # Cohort cards show the institution's name, edited in the generic admin.
    catalogue_changed()
