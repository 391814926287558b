"""Counting failures per account and per address, at most ``LIMIT`` in any hour.

Counters live in the database so that every server process sees the same numbers. A key
is refused when its failures in this hour and the one before reach the limit, so no
sliding hour ever allows more than ``LIMIT``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F, Sum
from django.utils import timezone

from onestop.core import databases
from onestop.core.crypto import keyed_hash
from onestop.identity.models import ThrottleCounter

LIMIT = 100


def throttle_key(kind: str, value: str) -> str:
    return f"{kind}:{keyed_hash('throttle', value)[:64]}"


def _window(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def is_throttled(keys: list[str], limit: int = LIMIT) -> bool:
    current = _window(timezone.now())
    counts = (
        ThrottleCounter.objects.filter(key__in=keys, window_start__gte=current - timedelta(hours=1))
        .values("key")
        .annotate(total=Sum("count"))
    )
    return any(row["total"] >= limit for row in counts)


def count_failure(keys: list[str]) -> None:
    current = _window(timezone.now())
    with databases.atomic():
        for key in keys:
            counter, created = ThrottleCounter.objects.get_or_create(
                key=key, window_start=current, defaults={"count": 1}
            )
            if not created:
                ThrottleCounter.objects.filter(pk=counter.pk).update(count=F("count") + 1)


def forget_old_counters() -> int:
    deleted, _ = ThrottleCounter.objects.filter(
        window_start__lt=_window(timezone.now()) - timedelta(hours=2)
    ).delete()
    return deleted
