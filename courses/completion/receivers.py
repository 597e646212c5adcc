"""Completion answers a track page (its rule) and re-evaluates standings when
something that counts changes below it (enrollment/signals.py)."""

from django.dispatch import receiver
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from courses.catalogue.models import TrackPage
from courses.catalogue.signals import page_context
from courses.completion.models import Completion
from courses.completion.selectors.tracks import track_rule
from courses.completion.services.evaluate import (
    completion_cohort_evaluate_later,
    completion_evaluate_later,
)
from courses.enrollment.signals import (
    RosterColumn,
    roster_columns,
    standing_may_change,
)


@receiver(page_context, sender=TrackPage)
def _track_rule(sender, page, context, **kwargs) -> None:
    context["completion_rule"] = track_rule(track=page)


@receiver(standing_may_change)
def _standing_may_change(sender, cohort_id, user_id=None, **kwargs) -> None:
    if user_id is None:
        completion_cohort_evaluate_later(cohort_id=cohort_id)
    else:
        completion_evaluate_later(cohort_id=cohort_id, user_id=user_id)


def _day(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATE_FORMAT")


@receiver(roster_columns)
def _completions(sender, cohort, enrollments, **kwargs) -> list[RosterColumn]:
    found = Completion.objects.filter(enrollment__in=[e.pk for e in enrollments])
    values = {
        c.enrollment_id: (
            _("Passed on %(day)s") % {"day": _day(c.passed_at)}
            if c.is_valid
            else _("Revoked on %(day)s") % {"day": _day(c.revoked_at)}
        )
        for c in found.only("enrollment_id", "passed_at", "revoked_at")
    }
    return [RosterColumn(_("Completion"), values, order=30)]
