"""Writes of analytics besides the page views themselves: importing a tenant's traffic
history (days counted before it moved to the platform, or the demo's)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from onestop.analytics.access import day_start
from onestop.analytics.audit import AnalyticsAudit
from onestop.analytics.models import Dimension, Period, TrafficRollup
from onestop.core import databases
from onestop.core.actors import Actor
from onestop.core.audit import record_action
from onestop.tenancy.models import Tenant


@dataclass(frozen=True, slots=True)
class DayTraffic:
    day: date
    views: int
    visitors: int
    by: tuple[tuple[str, str, int], ...] = ()  # (dimension, key, views)


def do_import_traffic_history(*, actor: Actor, tenant: Tenant, days: Sequence[DayTraffic]) -> int:
    """Day roll-ups for days before the platform counted; days already counted stay."""
    with databases.action():
        counted = set(
            TrafficRollup.objects.filter(
                tenant=tenant, period=Period.DAY, dimension=Dimension.ALL
            ).values_list("start", flat=True)
        )
        rows = []
        for entry in days:
            start = day_start(entry.day)
            if start in counted:
                continue
            rows.append(
                TrafficRollup(
                    tenant=tenant,
                    period=Period.DAY,
                    start=start,
                    dimension=Dimension.ALL,
                    views=entry.views,
                    visitors=entry.visitors,
                )
            )
            rows += [
                TrafficRollup(
                    tenant=tenant, period=Period.DAY, start=start, dimension=dimension, key=key, views=views
                )
                for dimension, key, views in entry.by
            ]
        TrafficRollup.objects.bulk_create(rows, batch_size=1000)
        record_action(
            actor=actor,
            action=AnalyticsAudit.IMPORT_TRAFFIC,
            tenant_code=tenant.code,
            object_type="tenant",
            object_id=tenant.code,
            detail={"days": len(days)},
        )
    return len(rows)
