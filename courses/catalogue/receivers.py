"""The catalogue cache follows what the admin changes without a service: pages
published, moved or deleted, institutions renamed."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from courses.catalogue.cache import catalogue_changed


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def _page_changed(sender, **kwargs) -> None:
    catalogue_changed()


@receiver(post_delete)
def _page_deleted(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):
        catalogue_changed()


@receiver(post_save, sender="courses.Institution")
def _institution_saved(sender, **kwargs) -> None:
    # Cohort cards show the institution's name, edited in the generic admin.
    catalogue_changed()
