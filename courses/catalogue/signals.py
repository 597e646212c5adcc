"""What the catalogue asks of the slices above it.

The catalogue knows pages, not cohorts, completion rules or figures. It asks
through these signals; enrollment, completion and reporting answer them in their
``receivers.py``, so the imports keep pointing one way (docs/architecture.md).
"""

import datetime as dt

from django.db.models import QuerySet
from django.dispatch import Signal

# A catalogue page is rendered: receivers add to ``context`` (a dict) for ``page``
# (sender: the page's class; kwargs: page, request, context).
page_context = Signal()

# A rendered page is cached: receivers return the next time anything it shows
# changes by itself (a cohort's enrolment window opens or closes), or None.
page_expiry = Signal()

# "Open now" in the search: receivers return the translation keys of the
# courses with a cohort open for enrolment now (a values() queryset), or None.
open_course_keys = Signal()


def page_context_fill(page, request, context: dict) -> dict:
    page_context.send(sender=type(page), page=page, request=request, context=context)
    return context


def page_expires_at(now: dt.datetime) -> dt.datetime | None:
    times = [when for _, when in page_expiry.send(sender=None, now=now) if when]
    return min(times, default=None)


def open_courses(now: dt.datetime) -> list[QuerySet]:
    return [keys for _, keys in open_course_keys.send(sender=None, now=now) if keys]
