"""The case figures of a tenant's kpis object, and rating scores for operators."""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count, Q

from onestop.cases.lifecycle import State
from onestop.cases.models import Case, Rating, RectificationTicket
from onestop.tenancy.models import Tenant


def figures(tenant: Tenant) -> dict[str, Any]:
    cases = Case.objects.filter(tenant=tenant)
    by_state = dict(cases.values_list("state").annotate(n=Count("id")).order_by())
    decided = cases.filter(decided_on__isnull=False)
    timing = decided.aggregate(
        total=Count("id"), on_time=Count("id", filter=Q(decided_on_time=True))
    )
    average = decided.aggregate(days=Avg("processing_days"))["days"]
    ratings = Rating.objects.filter(tenant=tenant).aggregate(
        total=Count("id"), good=Count("id", filter=Q(score__gte=4))
    )
    return {
        "cases_total": sum(by_state.values()),
        "cases_by_state": {state.value: by_state.get(state.value, 0) for state in State},
        "on_time_rate": round(timing["on_time"] / timing["total"], 4) if timing["total"] else None,
        "avg_processing_days": round(float(average), 2) if average is not None else None,
        "ratings_total": ratings["total"],
        "satisfaction": round(ratings["good"] / ratings["total"], 4) if ratings["total"] else None,
        "rectification_open": RectificationTicket.objects.filter(
            tenant=tenant, answered_at__isnull=True
        ).count(),
    }


def ratings_by(tenant: Tenant, field: str) -> list[dict[str, Any]]:
    """Average score and counts per department or item, worst first."""
    key = {"department": "department__name", "item": "item__name"}[field]
    return list(
        Rating.objects.filter(tenant=tenant).values(key)
        .annotate(count=Count("id"), average=Avg("score"), bad=Count("id", filter=Q(score__lte=2)))
        .order_by("average", "-count")
    )  # fmt: skip
