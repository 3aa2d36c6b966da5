"""A Redis cache that fails open: when Redis is unreachable the portal keeps serving.

Every cache read then misses, writes are dropped and counters start from scratch (so a rate limit
allows the request). After a failure Redis is left alone for a short back-off, so that a dead Redis
does not add a connect timeout to every cache call of every request.

OPTIONS["max_timeout"] caps every entry's lifetime (seconds; "forever" included), so that keys a
client can make the portal write (one per distinct API query) never pile up for long.

Django's Redis backend builds a new `redis.Redis` client for every cache call (its constructor fills a
table of ~170 response callbacks: about 0.3 ms of CPU, half the cost of serving a cached page). The
client holds no connection of its own (the pool does, and the pool starts afresh in a forked process),
so one client per pool is kept and reused.

Clearing the cache also clears what this process keeps in front of it (the page cache's own copies,
`huisvanhetkind.lib.pagecache.forget_local`): a cleared cache means cold pages for this process at once.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

from huisvanhetkind.lib.pagecache import forget_local

logger = logging.getLogger("huisvanhetkind.cache")

BACKOFF_SECONDS = 5.0


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, with one `redis.Redis` per connection pool instead of one per call."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailOpenRedisCache(RedisCache):
    _down_until = 0.0  # shared by all instances in the process

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.max_timeout = options.pop("max_timeout", None)
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusedClientRedisCacheClient

    def get_backend_timeout(self, timeout=DEFAULT_TIMEOUT):
        result = super().get_backend_timeout(timeout)
        if self.max_timeout is None:
            return result
        return self.max_timeout if result is None else min(result, self.max_timeout)

    def _guard(self, operation, fallback, *args, **kwargs):
        import redis

        if time.monotonic() < FailOpenRedisCache._down_until:
            return fallback
        try:
            return operation(*args, **kwargs)
        except redis.RedisError as error:
            FailOpenRedisCache._down_until = time.monotonic() + BACKOFF_SECONDS
            logger.warning("cache unavailable, failing open: %s", type(error).__name__)
            return fallback

    @classmethod
    def is_down(cls) -> bool:
        return time.monotonic() < cls._down_until

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(super().add, False, key, value, timeout, version=version)

    def get(self, key, default=None, version=None):
        return self._guard(super().get, default, key, default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(super().set, None, key, value, timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(super().touch, False, key, timeout, version=version)

    def delete(self, key, version=None):
        return self._guard(super().delete, False, key, version=version)

    def get_many(self, keys, version=None):
        return self._guard(super().get_many, {}, keys, version=version)

    def has_key(self, key, version=None):
        return self._guard(super().has_key, False, key, version=version)

    def incr(self, key, delta=1, version=None):
        # A missing key still raises ValueError as Django documents; an unreachable Redis counts from zero.
        return self._guard(super().incr, delta, key, delta, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(super().set_many, list(data), data, timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._guard(super().delete_many, None, keys, version=version)

    def clear(self):
        forget_local()
        return self._guard(super().clear, False)


class LocalMemoryCache(LocMemCache):
    """Django's local-memory cache (no Redis: `make run`, tests); clearing it clears the page copies too."""

    def clear(self):
        forget_local()
        super().clear()
