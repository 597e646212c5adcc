"""The Redis cache backend (lms.cache): Django's, with one client per thread."""

import os

import pytest
import redis

from lms.cache import RedisCache

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs Redis: REDIS_URL=redis://…"
)


@pytest.fixture
def redis_cache():
    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "test-lms-cache"})
    yield cache
    cache.delete_many(["version", "page", "missing"])


def test_it_behaves_as_django_redis_cache(redis_cache):
    redis_cache.set("version", 41, None)
    redis_cache.incr("version")
    redis_cache.set("page", {"body": b"<html>"}, 60)

    assert redis_cache.get("version") == 42
    assert redis_cache.get("page") == {"body": b"<html>"}
    assert redis_cache.get("missing", "default") == "default"
    assert redis_cache.get_many(["version", "missing"]) == {"version": 42}


def test_a_dropped_connection_is_reopened(redis_cache):
    redis_cache.set("version", 7, None)
    connection_id = redis_cache._cache.get_client().client_id()
    with redis.Redis.from_url(os.environ["REDIS_URL"]) as admin:
        admin.client_kill_filter(_id=connection_id)  # as on a Redis restart

    assert redis_cache.get("version") == 7


def test_a_test_run_clears_only_its_own_keys():
    from django.conf import settings
    from django.core.cache import cache

    from tests.caches import cache_clear

    other_run = RedisCache(
        settings.CACHES["default"]["LOCATION"], {"KEY_PREFIX": "test-other-run"}
    )
    other_run.set("page", "theirs", 60)
    cache.set("page", "ours", 60)
    try:
        cache_clear()

        assert cache.get("page") is None
        assert other_run.get("page") == "theirs"
    finally:
        other_run.delete("page")
