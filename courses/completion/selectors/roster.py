"""A cohort's completion roster for staff, and the cohorts the sweep looks at."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from courses.completion.models import Completion
from courses.completion.selectors.standing import Standing, _seoul, cohort_standings
from courses.enrollment.models import Cohort
from courses.enrollment.permissions import cohorts_manageable_by

# Staff -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CompletionRow:
    """A line of the cohort's completion roster."""

    standing: Standing
    completion: Completion | None  # valid or revoked; None if never passed

    @property
    def confirmable(self) -> bool:
        """An instructor may confirm this person's early completion."""
        valid = self.completion is not None and self.completion.is_valid
        return not valid and self.standing.confirmable


def cohort_completion_roster(*, cohort: Cohort) -> list[CompletionRow]:
    """Every enrolment that can pass, where it stands and its completion."""
    completions = {
        c.enrollment_id: c
        for c in Completion.objects.filter(cohort=cohort).select_related(
            "issued_by", "revoked_by"
        )
    }
    return [
        CompletionRow(standing, completions.get(standing.enrollment.pk))
        for standing in cohort_standings(cohort=cohort)
    ]


def cohort_counts_nothing(*, cohort: Cohort) -> bool:
    """No assignment of the cohort has a weight: the grade decides nothing."""
    return not cohort.assignments.filter(weight__gt=0).exists()


def completions_manageable_by(user):
    """Completions of the cohorts ``user`` manages."""
    cohorts = cohorts_manageable_by(user).values("pk")
    return Completion.objects.filter(cohort__in=cohorts)


def cohorts_to_sweep(*, since: dt.datetime, now: dt.datetime):
    """Cohorts where time alone may have changed a standing since ``since``: a
    due date (or an extension's) passed, or the cohort started or ended."""
    first, last = since.astimezone(_seoul()).date(), now.astimezone(_seoul()).date()
    due = Q(assignments__due_at__gt=since, assignments__due_at__lte=now) | Q(
        assignments__extensions__due_at__gt=since,
        assignments__extensions__due_at__lte=now,
    )
    # Midnight of starts_on lies in (since, now] exactly when starts_on is in
    # (first, last]; midnight after ends_on when ends_on is in [first, last).
    started = Q(starts_on__gt=first, starts_on__lte=last)
    ended = Q(ends_on__gte=first, ends_on__lt=last)
    return Cohort.objects.filter(due | started | ended).distinct().order_by("pk")
