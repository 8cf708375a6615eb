"""Redis that may go away: pages render uncached and rate limits fall back to the database table
while it is down, instead of every page answering 500.

Each call is bounded by short socket timeouts (conf.cache_config). After a failure the cache is
treated as down for DOWN_FOR seconds without trying, so a Redis that hangs costs one timeout per
process every few seconds, not one per call. Reads then miss, writes and deletes are dropped, and
`add` (the atomic step rate limits and leases are built on) raises CacheUnavailable so its caller
can count in the database instead of taking "not added" for "already taken".
"""
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger("parley.cache")
DOWN_FOR = 5.0  # seconds a failed Redis is left alone before the next try


class CacheUnavailable(Exception):
    """The cache cannot answer; count or lock somewhere else."""


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0

    def _call(self, name, fallback, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return getattr(super(), name)(*args, **kwargs)
        except RedisError as error:
            self._went_down(error)
            return fallback

    def _went_down(self, error: Exception) -> None:
        if time.monotonic() >= self._down_until:
            log.warning("cache %s unavailable (%s: %s); serving without it for %g s", self._servers[0],
                        type(error).__name__, error, DOWN_FOR)
        self._down_until = time.monotonic() + DOWN_FOR

    def available(self) -> bool:
        """Whether Redis answers a ping now (readiness asks; it does not wait for the pause to end)."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except RedisError as error:
            self._went_down(error)
            return False

    def add(self, key, value, timeout=300, version=None):
        if time.monotonic() < self._down_until:
            raise CacheUnavailable(self._servers[0])
        try:
            return super().add(key, value, timeout, version)
        except RedisError as error:
            self._went_down(error)
            raise CacheUnavailable(self._servers[0]) from error

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def set(self, *args, **kwargs):
        return self._call("set", None, *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", list(args[0]) if args else [], *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", False, *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", False, *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", None, *args, **kwargs)

    def clear(self):
        return self._call("clear", False)
