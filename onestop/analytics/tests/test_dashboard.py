"""The tenant dashboard and the platform view: who may see them, and figures that match
the database (CSV exports included)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from onestop.analytics.actions import DayTraffic, do_import_traffic_history
from onestop.cases.models import Case
from onestop.cases.tests.helpers import CITIZEN, HEAD, OFFICER, OPERATOR, logged_in
from onestop.core.actors import Actor
from onestop.tenancy.models import Tenant

pytestmark = pytest.mark.django_db


def _rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_only_operators_see_the_dashboard() -> None:
    for phone in (CITIZEN, OFFICER, HEAD):
        response = logged_in(phone).get("/console/gd/dashboard/")
        assert response.status_code == 403, phone
    page = logged_in(OPERATOR).get("/console/gd/dashboard/")
    assert page.status_code == 200 and 'id="chart-traffic"' in page.content.decode()
    assert logged_in(OPERATOR).get("/platform/").status_code == 403


def test_the_daily_export_matches_the_database() -> None:
    gd = Tenant.objects.get(code="gd")
    today = timezone.localdate()
    do_import_traffic_history(
        actor=Actor.system("test"),
        tenant=gd,
        days=[DayTraffic(day=today - timedelta(days=2), views=1234, visitors=321)],
    )
    rows = _rows(logged_in(OPERATOR).get("/console/gd/dashboard/?days=7&export=daily"))
    assert rows[0] == ["date", "page_views", "unique_visitors", "cases_received", "cases_decided"]
    assert len(rows) == 8
    by_day = {r[0]: r for r in rows[1:]}
    day = (today - timedelta(days=2)).isoformat()
    assert by_day[day][1:3] == ["1234", "321"]
    for iso, row in by_day.items():
        received = Case.objects.filter(tenant=gd, received_on=iso).count()
        decided = Case.objects.filter(tenant=gd, decided_on=iso).count()
        assert row[3:] == [str(received), str(decided)], iso


def test_the_department_export_counts_decided_cases() -> None:
    gd = Tenant.objects.get(code="gd")
    rows = _rows(logged_in(OPERATOR).get("/console/gd/dashboard/?days=90&export=departments"))
    first = timezone.localdate() - timedelta(days=89)
    decided = Case.objects.filter(tenant=gd, decided_on__gte=first)
    assert sum(int(r[1]) for r in rows[1:]) <= decided.count()
    top = rows[1]
    assert int(top[1]) == decided.filter(department__name=top[0]).count()


def test_the_platform_operator_sees_every_tenant() -> None:
    page = logged_in("13900139009").get("/platform/")
    assert page.status_code == 200
    rows = _rows(logged_in("13900139009").get("/platform/?export=tenants"))
    assert {r[0] for r in rows[1:]} == set(Tenant.objects.values_list("code", flat=True))
    gd = next(r for r in rows if r[0] == "gd")
    from onestop.catalogue.models import ServiceItem

    assert int(gd[1]) == ServiceItem.objects.filter(tenant__code="gd", status="published").count()


def _chart_data(html: str) -> dict:  # type: ignore[type-arg]
    found = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html, re.S)
    assert found
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def _tables(html: str) -> list[list[list[str]]]:
    """The chart tables' rows, each a list of its cells' text."""
    tables = re.findall(r'<details class="chart-table">.*?<tbody>(.*?)</tbody>', html, re.S)
    return [
        [re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
        for body in tables
    ]


def test_every_chart_has_its_figures_in_a_table() -> None:
    html = logged_in(OPERATOR).get("/console/gd/dashboard/?days=30").content.decode()
    data = _chart_data(html)
    traffic, cases, states = _tables(html)
    assert traffic == [
        [d, str(v), str(u)] for d, v, u in zip(data["days"], data["views"], data["visitors"], strict=True)
    ]
    assert cases == [
        [d, str(r), str(c)] for d, r, c in zip(data["days"], data["received"], data["decided"], strict=True)
    ]
    assert states == [[name, str(n)] for name, n in data["states"]] and states
    # The leaderboard's chart draws the table under it: one row per department.
    board = re.search(r'id="chart-board".*?<tbody>(.*?)</tbody>', html, re.S)
    assert board and board.group(1).count("<tr>") == len(data["board"])

    platform = logged_in("13900139009").get("/platform/?days=7").content.decode()
    data = _chart_data(platform)
    (table,) = _tables(platform)
    assert [row[0] for row in table] == data["days"]
    assert [[int(v) for v in row[1:]] for row in table] == [
        list(day) for day in zip(*(s["views"] for s in data["series"]), strict=True)
    ]


def test_the_dashboards_load_a_small_echarts_after_the_page() -> None:
    for html in (
        logged_in(OPERATOR).get("/console/gd/dashboard/").content.decode(),
        logged_in("13900139009").get("/platform/").content.decode(),
    ):
        scripts = re.findall(r"<script ([^>]*)></script>", html)
        assert scripts and all(" defer" in s for s in scripts if "src=" in s), scripts
        (echarts,) = [s for s in scripts if "vendor/echarts/" in s]
        name = re.search(r'src="/static/(vendor/echarts/[^"]+?)(\.[0-9a-f]{12})?\.js"', echarts)
        assert name
        # Only the charts and components the dashboards draw with, bundled at `make setup`.
        bundle = finders.find(name.group(1) + ".js")
        assert bundle and 100_000 < os.path.getsize(str(bundle)) < 700_000
