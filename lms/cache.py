"""Django's Redis cache, with one long-lived redis-py client per thread.

Django builds a new ``redis.Redis`` for every cache call, and each call then takes
a connection from the pool and gives it back. With redis-py 8 that costs more CPU
than the round trip itself (about 0.15 ms to build the client, then the pool's
checks). Here each thread keeps its own client holding one connection, and ``get``
talks to that connection directly: a cache hit on the anonymous catalogue costs a
single round trip and little else. A new process (gunicorn forks its workers)
starts with new clients.
"""

import os
import threading

from django.core.cache.backends import redis as django_redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._local = threading.local()

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        owner = getattr(self._local, "owner", None)
        if owner != os.getpid():
            self._local.owner, self._local.clients = os.getpid(), {}
        client = self._local.clients.get(id(pool))
        if client is None:
            client = self._client(connection_pool=pool, single_connection_client=True)
            self._local.clients[id(pool)] = client
        return client

    def get(self, key, default):
        # The most frequent call (the catalogue version, on every anonymous page):
        # straight on the thread's connection, without the client's per-command
        # bookkeeping. A broken connection falls back to the client, which
        # reconnects and retries.
        client = self.get_client(key)
        connection = client.connection
        try:
            connection.send_command("GET", key)
            value = connection.read_response()
        except (RedisConnectionError, RedisTimeoutError):
            connection.disconnect()
            value = client.get(key)
        return default if value is None else self._serializer.loads(value)


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
