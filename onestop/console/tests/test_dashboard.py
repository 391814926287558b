"""The tenant dashboard and the platform view: who may see them, and figures that match
the database (CSV exports included)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
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
    do_import_traffic_history(actor=Actor.system("test"), tenant=gd, days=[
        DayTraffic(day=today - timedelta(days=2), views=1234, visitors=321)])  # fmt: skip
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
