"""The cache holds only what can be recomputed, so a cache that cannot be reached is a
miss, not an error: ``ResilientRedisCache`` answers as an empty cache while Redis is down
(reads miss, writes are dropped), logs a warning at most every 30 seconds per process,
and is itself again as soon as Redis answers. Its sockets time out within half a second,
so a frozen Redis slows a request by that much at most."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache

from onestop.core.logging import Occasional

logger = logging.getLogger("onestop.cache")
WARN_EVERY_SECONDS = 30.0


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": options})
        self._warn = Occasional(logger, WARN_EVERY_SECONDS)

    def _down(self, error: Exception) -> None:
        self._warn.warning("the cache (Redis) is unreachable: computing instead (%s)", error)

    def _try(self, call: Callable[[], Any], fallback: Any) -> Any:
        from redis.exceptions import RedisError

        try:
            return call()
        except RedisError as error:
            self._down(error)
            return fallback

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._try(lambda: super(ResilientRedisCache, self).get(key, default, version), default)

    def set(self, key: Any, value: Any, timeout: Any = None, version: Any = None) -> None:
        self._try(lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), None)

    def add(self, key: Any, value: Any, timeout: Any = None, version: Any = None) -> bool:
        return bool(
            self._try(lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), False)
        )

    def touch(self, key: Any, timeout: Any = None, version: Any = None) -> bool:
        return bool(self._try(lambda: super(ResilientRedisCache, self).touch(key, timeout, version), False))

    def delete(self, key: Any, version: Any = None) -> bool:
        return bool(self._try(lambda: super(ResilientRedisCache, self).delete(key, version), False))

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        found: dict[Any, Any] = self._try(
            lambda: super(ResilientRedisCache, self).get_many(keys, version), {}
        )
        return found

    def has_key(self, key: Any, version: Any = None) -> bool:
        return bool(self._try(lambda: super(ResilientRedisCache, self).has_key(key, version), False))

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        # A generation that cannot move: the entries it keys expire on their own.
        value: int = self._try(lambda: super(ResilientRedisCache, self).incr(key, delta, version), delta)
        return value

    def set_many(self, data: dict[Any, Any], timeout: Any = None, version: Any = None) -> list[Any]:
        failed: list[Any] = self._try(
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version), list(data)
        )
        return failed

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._try(lambda: super(ResilientRedisCache, self).delete_many(keys, version), None)

    def clear(self) -> None:
        self._try(lambda: super(ResilientRedisCache, self).clear(), None)
