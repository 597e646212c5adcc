"""How late an attempt is and what it costs."""

import datetime as dt
import decimal
import math

from courses.grading.models import (
    Assignment,
)

# Lateness ------------------------------------------------------------------


def late_by(due: dt.datetime | None, moment: dt.datetime) -> dt.timedelta:
    if due is None or moment <= due:
        return dt.timedelta(0)
    return moment - due


def late_penalty(assignment: Assignment, late: dt.timedelta) -> decimal.Decimal:
    """Per started day of lateness, up to the cap (percent of the score)."""
    if (
        late <= dt.timedelta(0)
        or assignment.late_policy != Assignment.LatePolicy.PENALTY
    ):
        return decimal.Decimal(0)
    days = math.ceil(late / dt.timedelta(days=1))
    return min(assignment.penalty_per_day * days, assignment.penalty_cap)
