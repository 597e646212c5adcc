"""The cache of anonymous catalogue pages: one version number, bumped on change.

Any write that can change what a visitor sees (a page published, a cohort edited,
a seat taken or freed) calls ``catalogue_changed``; cached pages carry the version
they were rendered at, so none is served after a change. Time also changes pages
(a window opens or closes), so entries expire at the next such moment.
"""

import datetime as dt
import secrets

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

VERSION_KEY = "catalogue:version"
MAX_AGE = 600


def catalogue_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh start (or an evicted key) must not reuse pages of an older run,
        # in the cache or in a server process's memory: start from a random
        # number, which no earlier run reaches by counting up.
        version = secrets.randbits(62)
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


def catalogue_changed() -> None:
    """Invalidate every cached catalogue page once the transaction commits."""
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        catalogue_version()
        cache.incr(VERSION_KEY)


def seconds_until(moment: dt.datetime | None) -> int:
    """Cache lifetime that ends no later than ``moment`` (and MAX_AGE)."""
    if moment is None:
        return MAX_AGE
    remaining = (moment - timezone.now()).total_seconds()
    return max(0, min(MAX_AGE, int(remaining)))
