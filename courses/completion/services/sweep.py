"""Standings that time alone decides: due dates passed, cohorts started or ended."""

import datetime as dt

from django.tasks import task
from django.utils import timezone

from courses.completion.selectors.roster import cohorts_to_sweep
from courses.completion.services.evaluate import completion_cohort_evaluate

# Time ------------------------------------------------------------------------------


def completion_sweep(*, since: dt.datetime) -> int:
    """Evaluate the cohorts where time alone may have changed a standing since
    ``since``: a due date (or an extension's) passed, so a missing attempt now
    counts 0; or the cohort started or ended, so standings may be decided."""
    cohorts = list(cohorts_to_sweep(since=since, now=timezone.now()))
    for cohort in cohorts:
        completion_cohort_evaluate(cohort=cohort)
    return len(cohorts)


@task()
def sweep_completions(hours: float = 25) -> int:

    return completion_sweep(since=timezone.now() - dt.timedelta(hours=hours))
