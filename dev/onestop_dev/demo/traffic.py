"""The demo's traffic history: 90 days of page views before today, with weekly rhythm
and one peak day of 27 million page views (the seed hub's peak), scaled per tenant;
the busiest items and departments get their share. Deterministic for a seed."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

from onestop.analytics.actions import DayTraffic
from onestop.catalogue.specs import ServiceItemSpec

PEAK_VIEWS = 27_000_000
HISTORY_DAYS = 90
PEAK_DAYS_AGO = 41


def build_traffic(
    items: Sequence[ServiceItemSpec], *, today: date, scale: float = 1.0, seed: int = 2019
) -> list[DayTraffic]:
    rng = random.Random(seed)
    hot = sorted(items, key=lambda i: (-i.popularity, i.code))[:10]
    departments = sorted({i.department_code for i in hot})
    days = []
    for ago in range(HISTORY_DAYS, 0, -1):
        day = today - timedelta(days=ago)
        base = 9_000_000 * (0.62 if day.weekday() >= 5 else 1.0) * rng.uniform(0.85, 1.15)
        views = int((PEAK_VIEWS if ago == PEAK_DAYS_AGO else base) * scale)
        by = tuple(("item", item.code, int(views * 0.04 / (n + 1))) for n, item in enumerate(hot))
        by += tuple(("department", code, int(views * 0.06 / (n + 1))) for n, code in enumerate(departments))
        days.append(DayTraffic(day=day, views=views, visitors=int(views / rng.uniform(5.5, 7.0)), by=by))
    return days
