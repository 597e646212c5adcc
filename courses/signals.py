"""Receivers: roles after migrate, and the catalogue cache on Wagtail page events.

Page publishing happens inside Wagtail, so its signals are the only place to learn
that a visitor's view of the catalogue changed.
"""

from django.db.models.signals import post_delete
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
def _page_deleted(sender, instance, **kwargs) -> None:
    from wagtail.models import Page

    if isinstance(instance, Page):
        catalogue_changed()
