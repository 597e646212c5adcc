"""``{{ submission.late_by|duration }}``: a length of time as people say it,
"1 day, 2 hours" / "1일, 2시간", instead of ``timedelta``'s "1 day, 2:03:00"."""

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def duration(value: dt.timedelta | None) -> str:
    if value is None:
        return ""
    now = timezone.now()
    return timesince(now - value, now)
