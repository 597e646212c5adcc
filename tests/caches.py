"""The cache, emptied for one test run only."""

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache


def cache_clear() -> None:
    """Empty this run's part of the cache. On Redis, ``cache.clear()`` would
    flush the whole database, other test runs' keys included: delete only the
    keys under this process's prefix (lms/settings/test.py)."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        backend.clear()
        return
    client = backend._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{backend.key_prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
