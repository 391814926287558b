"""The traffic figures of a tenant's kpis object."""

from __future__ import annotations

from django.db.models import Max
from django.utils import timezone

from onestop.analytics.access import day_start
from onestop.analytics.models import Dimension, Period, TrafficRollup
from onestop.core.figures import figures_of
from onestop.tenancy.models import Tenant


@figures_of("analytics")
def figures(tenant: Tenant) -> dict[str, int]:
    """Page views and unique visitors today, and the busiest day's page views."""
    days = TrafficRollup.objects.filter(tenant=tenant, period=Period.DAY, dimension=Dimension.ALL)
    today = days.filter(start=day_start(timezone.localdate())).first()
    return {
        "page_views_today": today.views if today else 0,
        "unique_visitors_today": today.visitors if today else 0,
        "page_views_peak_day": days.aggregate(top=Max("views"))["top"] or 0,
    }
