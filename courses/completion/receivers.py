"""Completion answers a track page (its rule) and re-evaluates standings when
something that counts changes below it (enrollment/signals.py)."""

from django.dispatch import receiver

from courses.catalogue.models import TrackPage
from courses.catalogue.signals import page_context
from courses.completion.selectors.tracks import track_rule
from courses.completion.services.evaluate import (
    completion_cohort_evaluate_later,
    completion_evaluate_later,
)
from courses.enrollment.signals import standing_may_change


@receiver(page_context, sender=TrackPage)
def _track_rule(sender, page, context, **kwargs) -> None:
    context["completion_rule"] = track_rule(track=page)


@receiver(standing_may_change)
def _standing_may_change(sender, cohort_id, user_id=None, **kwargs) -> None:
    if user_id is None:
        completion_cohort_evaluate_later(cohort_id=cohort_id)
    else:
        completion_evaluate_later(cohort_id=cohort_id, user_id=user_id)
