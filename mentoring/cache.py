"""The default cache: Redis, failing open to a cache in this process while Redis is down.

allauth keeps its rate limits (failed sign-ins, password resets, sign-ups) in the
default cache. With plain ``RedisCache`` a Redis outage turns every sign-in into a 500;
with this backend the limits go on being counted in the web process's memory (each
process counts on its own, so a limit is at most as loose as the number of processes)
until Redis answers again. Sessions are in the database and never depend on Redis.
"""

import logging
import time
from typing import Any

import redis
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

# After Redis failed, requests use the local cache without trying Redis for this long,
# so that a Redis that does not answer costs one timeout, not one a request.
PAUSE_SECONDS = 10.0
FAILURES = (redis.ConnectionError, redis.TimeoutError)


class FailOpenRedisCache(RedisCache):
    """``RedisCache`` that answers from a ``LocMemCache`` while Redis is unreachable,
    with a warning in the log when it switches."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._fallback = LocMemCache(f"fail-open-{id(self)}", params)
        self._down_until = 0.0

    def _either(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() >= self._down_until:
            try:
                return getattr(super(), method)(*args, **kwargs)
            except FAILURES:
                logger.warning(
                    "The cache's Redis does not answer: rate limits are counted in this "
                    "process until it does.",
                    exc_info=True,
                )
                self._down_until = time.monotonic() + PAUSE_SECONDS
        return getattr(self._fallback, method)(*args, **kwargs)

    def add(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("add", *args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("get", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("set", *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("touch", *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("delete", *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("get_many", *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("has_key", *args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("incr", *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("set_many", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("delete_many", *args, **kwargs)

    def clear(self) -> Any:
        return self._either("clear")
