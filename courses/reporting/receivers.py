"""Reporting answers the catalogue: trained people on the track cards, the
figures of the progress page."""

from django.dispatch import receiver

from courses.catalogue.models import CataloguePage, ProgressPage
from courses.catalogue.signals import page_context
from courses.reporting.figures import SMALLEST_SHOWN, SUPPRESSED
from courses.reporting.pipeline import trained_by_track
from courses.reporting.progress_page import progress_context


@receiver(page_context, sender=CataloguePage)
def _trained_on_cards(sender, page, context, **kwargs) -> None:
    # The track's trained people, every year: as on the progress page and the
    # dashboard. A public page: counts below SMALLEST_SHOWN read "<5".
    trained = trained_by_track()
    for track in context["tracks"]:
        count = trained.get(track.code, 0)
        track.completed_count = count if count >= SMALLEST_SHOWN else SUPPRESSED


@receiver(page_context, sender=ProgressPage)
def _progress(sender, page, request, context, **kwargs) -> None:
    # ?year=&track= narrow the figures; an institution is never public.
    context["progress"] = progress_context(request.GET)
