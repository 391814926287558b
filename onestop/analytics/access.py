"""Reads of a tenant's traffic, always within one tenant."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Sum
from django.utils import timezone

from onestop.analytics.models import Dimension, Period, TrafficRollup
from onestop.tenancy.models import Tenant


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def daily_traffic(tenant: Tenant, first: date, last: date) -> list[tuple[date, int, int]]:
    """(day, views, visitors) for every day from ``first`` to ``last``, zeros included."""
    found = {
        timezone.localtime(r.start).date(): (r.views, r.visitors)
        for r in TrafficRollup.objects.filter(
            tenant=tenant,
            period=Period.DAY,
            dimension=Dimension.ALL,
            start__gte=day_start(first),
            start__lt=day_start(last + timedelta(days=1)),
        )
    }
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [(d, *found.get(d, (0, 0))) for d in days]


def top_keys(
    tenant: Tenant, dimension: str, first: date, last: date, limit: int = 10
) -> list[tuple[str, int]]:
    """The most viewed pages, items or departments over the days."""
    rows = (
        TrafficRollup.objects.filter(
            tenant=tenant,
            period=Period.DAY,
            dimension=dimension,
            start__gte=day_start(first),
            start__lt=day_start(last + timedelta(days=1)),
        )
        .values("key")
        .annotate(total=Sum("views"))
        .order_by("-total", "key")[:limit]
    )
    return [(r["key"], r["total"]) for r in rows]
