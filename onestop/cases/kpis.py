"""The case figures of a tenant's kpis object, and rating scores for operators."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.cases.access import with_law
from onestop.cases.lifecycle import State
from onestop.cases.models import Case, Rating, RectificationTicket
from onestop.core.figures import figures_of
from onestop.tenancy.models import Tenant

STATE_LABELS = {
    State.RECEIVED: _("Received"),
    State.CORRECTION_REQUESTED: _("Correction requested"),
    State.NOT_ACCEPTED: _("Not accepted"),
    State.ACCEPTED: _("Accepted"),
    State.UNDER_REVIEW: _("Under review"),
    State.SPECIAL_PROCEDURE: _("Special procedure"),
    State.DECIDED: _("Decided"),
    State.CONCLUDED: _("Concluded"),
    State.CERTIFICATE_ISSUED: _("Certificate issued"),
    State.WITHDRAWN: _("Withdrawn"),
}


@figures_of("cases")
def figures(tenant: Tenant) -> dict[str, Any]:
    cases = Case.objects.filter(tenant=tenant)
    # Counted as the law has them today: deemed acceptances count as accepted.
    by_state = dict(
        with_law(cases, timezone.localdate()).values_list("law_state").annotate(n=Count("id")).order_by()
    )
    decided = cases.filter(decided_on__isnull=False)
    timing = decided.aggregate(total=Count("id"), on_time=Count("id", filter=Q(decided_on_time=True)))
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
        Rating.objects.filter(tenant=tenant)
        .values(key)
        .annotate(count=Count("id"), average=Avg("score"), bad=Count("id", filter=Q(score__lte=2)))
        .order_by("average", "-count")
    )


def department_leaderboard(tenant: Tenant, first: date, last: date, limit: int = 10) -> list[dict[str, Any]]:
    """Departments by cases decided between the days: on-time rate, average processing
    days against the average committed limit, and satisfaction; most decided first."""
    decided = Case.objects.filter(tenant=tenant, decided_on__gte=first, decided_on__lte=last)
    rows = list(
        decided.values("department_id", "department__name", "department__name_en")
        .annotate(
            decided=Count("id"),
            on_time=Count("id", filter=Q(decided_on_time=True)),
            days=Avg("processing_days"),
            limit=Avg("limit_days"),
        )
        .order_by("-decided", "department__name")[:limit]
    )
    ratings = {
        r["department_id"]: (r["good"], r["n"])
        for r in Rating.objects.filter(tenant=tenant, department_id__in=[r["department_id"] for r in rows])
        .values("department_id")
        .annotate(good=Count("id", filter=Q(score__gte=4)), n=Count("id"))
    }
    return [
        {
            "department": r["department__name"],
            "department_en": r["department__name_en"],
            "decided": r["decided"],
            "on_time_rate": round(r["on_time"] / r["decided"], 4),
            "avg_processing_days": round(float(r["days"]), 2) if r["days"] is not None else None,
            "avg_limit_days": round(float(r["limit"]), 2) if r["limit"] is not None else None,
            "satisfaction": _share(*ratings.get(r["department_id"], (0, 0))),
        }
        for r in rows
    ]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def daily_cases(tenant: Tenant, first: date, last: date) -> dict[date, tuple[int, int]]:
    """Cases received and decided per day between the days."""
    received = dict(
        Case.objects.filter(tenant=tenant, received_on__gte=first, received_on__lte=last)
        .values_list("received_on")
        .annotate(n=Count("id"))
        .order_by()
    )
    decided = dict(
        Case.objects.filter(tenant=tenant, decided_on__gte=first, decided_on__lte=last)
        .values_list("decided_on")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {d: (received.get(d, 0), decided.get(d, 0)) for d in set(received) | set(decided)}


def average_committed_limit(tenant: Tenant) -> float | None:
    """The average committed limit (working days) of decided cases, to set the average
    processing time against."""
    value = Case.objects.filter(tenant=tenant, decided_on__isnull=False).aggregate(days=Avg("limit_days"))[
        "days"
    ]
    return round(float(value), 2) if value is not None else None
