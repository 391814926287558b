"""Rate limits and daily quotas per app and tenant, counted in fixed windows.

Counts live in Redis when ``REDIS_URL`` is set (one INCR and EXPIRE per window), in the
database otherwise. A caller over its limit is refused before any work is done, so one
partner's overload costs the others nothing but the refusal.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import IntegrityError
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from onestop.core import databases
from onestop.core.logging import Occasional
from onestop.core.plugins import Plugin, PluginConfigError, Registry
from onestop.partners.models import RateWindow

logger = logging.getLogger("onestop.partners.ratelimit")

MINUTE, DAY = 60, 86_400


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    retry_after: int = 0
    which: str = ""  # "minute" or "day" when refused


class Counter(Plugin):
    def hit(self, key: str, window: int, limit: int, ttl: int) -> bool:
        """Count one request in ``window`` if under ``limit``; False when it is full."""
        raise NotImplementedError


counters: Registry[Counter] = Registry(
    kind="rate_limit", label=_("Rate-limit counters"), setting="ONESTOP_RATE_LIMIT_BACKEND"
)


@counters.register("database")
class DatabaseCounter(Counter):
    verbose_name = _("Database rows")

    def hit(self, key: str, window: int, limit: int, ttl: int) -> bool:
        with databases.atomic():
            counted = RateWindow.objects.filter(key=key, window=window, count__lt=limit).update(
                count=F("count") + 1
            )
            if counted:
                return True
            if RateWindow.objects.filter(key=key, window=window).exists():
                return False  # full
            try:
                with databases.atomic():
                    RateWindow.objects.create(key=key, window=window, count=1)
                return limit >= 1
            except IntegrityError:  # another request opened the window first
                return bool(
                    RateWindow.objects.filter(key=key, window=window, count__lt=limit).update(
                        count=F("count") + 1
                    )
                )


@counters.register("redis")
class RedisCounter(Counter):
    verbose_name = _("Redis")

    def __init__(self, identifier: str = "redis", client: Any = None) -> None:
        super().__init__(identifier)
        if client is not None:
            self.__dict__["client"] = client

    @cached_property
    def client(self) -> Any:
        import redis

        return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)

    def check_config(self) -> None:
        if not settings.REDIS_URL:
            raise PluginConfigError(
                "The Redis rate-limit counter needs REDIS_URL.",
                hint="Set REDIS_URL, or ONESTOP_RATE_LIMIT_BACKEND=database.",
            )

    def hit(self, key: str, window: int, limit: int, ttl: int) -> bool:
        from redis.exceptions import RedisError

        name = f"onestop:rate:{key}:{window}"
        try:
            pipe = self.client.pipeline()
            pipe.incr(name)
            pipe.expire(name, ttl + 5)
            count, _ = pipe.execute()
        except RedisError as error:
            # Redis down: the same limits, counted in the database meanwhile (no 500, and
            # no partner let through unlimited).
            _warn_fallback(error)
            return DatabaseCounter("database").hit(key, window, limit, ttl)
        return int(count) <= limit


_fallback = Occasional(logger)


def _warn_fallback(error: Exception) -> None:
    _fallback.warning("rate limits: Redis is unreachable, counting in the database instead (%s)", error)


def counter() -> Counter:
    return counters.enabled()


def check(app_id: int, tenant_id: int, *, per_minute: int, per_day: int, now: float | None = None) -> Verdict:
    """Count one request of the app in the tenant against both limits."""
    now = time.time() if now is None else now
    key = f"{app_id}:{tenant_id}"
    minute, day = int(now // MINUTE), int(now // DAY)
    if not counter().hit(f"m:{key}", minute, per_minute, MINUTE):
        return Verdict(False, int((minute + 1) * MINUTE - now) + 1, "minute")
    if not counter().hit(f"d:{key}", day, per_day, DAY):
        return Verdict(False, int((day + 1) * DAY - now) + 1, "day")
    return Verdict(True)


def forget_old_windows(now: float | None = None) -> int:
    """Drop database counters of windows that are over (run by the case clock)."""
    now = time.time() if now is None else now
    minute_gone = RateWindow.objects.filter(key__startswith="m:", window__lt=int(now // MINUTE) - 1).delete()[
        0
    ]
    day_gone = RateWindow.objects.filter(key__startswith="d:", window__lt=int(now // DAY) - 1).delete()[0]
    return minute_gone + day_gone
