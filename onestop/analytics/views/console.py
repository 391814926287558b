"""The operations dashboards: a tenant's figures for its operators (with charts, a time
range and CSV export), and every tenant side by side for the platform's operators."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from onestop.analytics.access import daily_traffic, top_keys
from onestop.cases import kpis as cases_kpis
from onestop.catalogue.access import item_names
from onestop.core.errors import CoreErrorCode, ValidationFailed
from onestop.core.figures import tenant_figures
from onestop.core.headers import allow_style_attributes
from onestop.core.responses import render_error
from onestop.identity.pages import console_page, staff_context
from onestop.identity.permissions import Permission, is_platform_operator
from onestop.tenancy.access import all_tenants, department_names, public_tenants
from onestop.tenancy.routing import tenant_database

if TYPE_CHECKING:
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant

RANGES = (7, 30, 90)


def _range(request: HttpRequest) -> tuple[int, date, date]:
    """The range asked for (``days``: 7, 30 or 90; 30 when not asked)."""
    asked = request.GET.get("days", "30")
    if asked not in {str(days) for days in RANGES}:
        raise ValidationFailed(
            CoreErrorCode.INVALID_PARAMETER, _("Choose a range of 7, 30 or 90 days."), field="days"
        )
    days = int(asked)
    last = timezone.localdate()
    return days, last - timedelta(days=days - 1), last


def _csv(name: str, header: list[str], rows: list[list[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.write("\ufeff")  # a byte-order mark: spreadsheet programs then read the Chinese right
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def _table(headers: list[str], *columns: list[Any]) -> dict[str, Any]:
    """A chart's figures as a table (its first column heads the rows): what the chart's
    tooltips show, for keyboards, screen readers and anyone who wants the numbers."""
    return {"headers": headers, "rows": [list(row) for row in zip(*columns, strict=True)]}


@console_page(Permission.VIEW_DASHBOARD)
@allow_style_attributes
def dashboard(request: HttpRequest, tenant: Tenant, user: User) -> HttpResponse:
    days, first, last = _range(request)
    figures = tenant_figures(tenant)
    traffic = daily_traffic(tenant, first, last)
    cases = cases_kpis.daily_cases(tenant, first, last)
    board = cases_kpis.department_leaderboard(tenant, first, last)
    export = request.GET.get("export")
    if export == "daily":
        rows = [[d.isoformat(), views, visitors, *cases.get(d, (0, 0))] for d, views, visitors in traffic]
        return _csv(
            f"{tenant.code}-daily-{first}-{last}",
            ["date", "page_views", "unique_visitors", "cases_received", "cases_decided"],
            rows,
        )
    if export == "departments":
        rows = [
            [
                r["department"],
                r["decided"],
                r["on_time_rate"],
                r["avg_processing_days"],
                r["avg_limit_days"],
                r["satisfaction"],
            ]
            for r in board
        ]
        return _csv(
            f"{tenant.code}-departments-{first}-{last}",
            [
                "department",
                "decided",
                "on_time_rate",
                "avg_processing_days",
                "avg_committed_limit_days",
                "satisfaction",
            ],
            rows,
        )
    top_items = top_keys(tenant, "item", first, last)
    top_departments = top_keys(tenant, "department", first, last)
    items = item_names(tenant, [k for k, _n in top_items])
    departments = department_names(tenant, [k for k, _n in top_departments])
    english = (request.LANGUAGE_CODE or "").startswith("en")
    charts: dict[str, Any] = {
        "days": [d.isoformat() for d, _v, _u in traffic],
        "views": [v for _d, v, _u in traffic],
        "visitors": [u for _d, _v, u in traffic],
        "received": [cases.get(d, (0, 0))[0] for d, _v, _u in traffic],
        "decided": [cases.get(d, (0, 0))[1] for d, _v, _u in traffic],
        "states": [
            [str(cases_kpis.STATE_LABELS.get(s, s)), n] for s, n in figures["cases_by_state"].items() if n
        ],
        "board": [
            [
                (r["department_en"] if english and r["department_en"] else r["department"]),
                r["on_time_rate"],
                r["satisfaction"],
            ]
            for r in board
        ],
        "labels": {
            "views": _("Page views"),
            "visitors": _("Unique visitors"),
            "received": _("Cases received"),
            "decided": _("Cases decided"),
            "on_time": _("On-time rate"),
            "satisfaction": _("Satisfaction"),
        },
    }
    labels = charts["labels"]
    tables = {  # the department leaderboard's chart has its table on the page already
        "traffic": _table(
            [_("Day"), labels["views"], labels["visitors"]],
            charts["days"],
            charts["views"],
            charts["visitors"],
        ),
        "cases": _table(
            [_("Day"), labels["received"], labels["decided"]],
            charts["days"],
            charts["received"],
            charts["decided"],
        ),
        "states": _table(
            [_("State"), _("Cases")], [s[0] for s in charts["states"]], [s[1] for s in charts["states"]]
        ),
    }
    services = figures["services_total"]
    context = staff_context(
        request,
        tenant,
        user,
        figures=figures,
        days=days,
        ranges=RANGES,
        first=first,
        last=last,
        board=board,
        zero_trip_rate=figures["services_zero_trip"] / services if services else None,
        committed_limit=cases_kpis.average_committed_limit(tenant),
        charts=charts,
        tables=tables,
        top_items=[(items.get(k, k), n) for k, n in top_items],
        top_departments=[(departments.get(k, k), n) for k, n in top_departments],
    )
    return render(request, "analytics/console/dashboard.html", context)


@allow_style_attributes
def platform_dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        tenant = public_tenants().first()
        login = reverse("identity:login", args=[tenant.code]) if tenant else "/"
        return redirect(f"{login}?next={request.path}")
    if not is_platform_operator(user):
        return render_error(request, "permission_denied", _("You do not have permission to do this."), 403)
    days, first, last = _range(request)
    rows: list[tuple[Tenant, dict[str, Any]]] = []
    series: list[dict[str, Any]] = []
    for tenant in all_tenants():
        with tenant_database(tenant.code):  # each tenant's figures where it lives
            figures = tenant_figures(tenant)
            views = [v for _d, v, _u in daily_traffic(tenant, first, last)]
        rows.append((tenant, figures))
        series.append({"name": tenant.display_name, "views": views})
    keys = (
        "services_total",
        "services_zero_trip",
        "real_name_users",
        "page_views_today",
        "page_views_peak_day",
        "cases_total",
        "partners_total",
        "partner_apps_total",
    )
    totals = {k: sum(int(f[k] or 0) for _t, f in rows) for k in keys}
    if request.GET.get("export") == "tenants":
        return _csv(
            f"platform-{last}",
            ["tenant", *keys],
            [[t.code, *(f[k] for k in keys)] for t, f in rows],
        )
    charts: dict[str, Any] = {
        "days": [(first + timedelta(days=n)).isoformat() for n in range(days)],
        "series": series,
    }
    table = _table([_("Day"), *(s["name"] for s in series)], charts["days"], *(s["views"] for s in series))
    context = {
        "rows": rows,
        "totals": totals,
        "charts": charts,
        "table": table,
        "days": days,
        "ranges": RANGES,
        "console": True,
        "staff_user": user,
    }
    return render(request, "analytics/console/platform.html", context)
