"""A new province from a template in one command; its data is its own from then on."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from onestop.catalogue.models import LifeEvent, Material, ServiceForm, ServiceItem, Theme
from onestop.certificates.models import CertificateType
from onestop.exchange.models import DataService
from onestop.identity.tests.helpers import login
from onestop.tenancy.models import Department, Region, Tenant

pytestmark = pytest.mark.django_db


def _counts(code: str) -> dict[str, int]:
    tenant = Tenant.objects.get(code=code)
    return {
        "regions": Region.objects.filter(tenant=tenant).count(),
        "departments": Department.objects.filter(tenant=tenant).count(),
        "themes": Theme.objects.filter(tenant=tenant).count(),
        "items": ServiceItem.objects.filter(tenant=tenant, status="published").count(),
        "materials": Material.objects.filter(tenant=tenant).count(),
        "forms": ServiceForm.objects.filter(tenant=tenant).values("item").distinct().count(),
        "life_events": LifeEvent.objects.filter(tenant=tenant).count(),
        "certificate_types": CertificateType.objects.filter(tenant=tenant).count(),
        "data_services": DataService.objects.filter(tenant=tenant).count(),
    }


def test_a_province_from_the_template_in_one_command() -> None:
    call_command(
        "tenant",
        "create",
        "--from-template",
        "gd",
        "--code",
        "hn",
        "--name",
        "海南省（演示）",
        "--name-en",
        "Hainan",
        verbosity=0,
    )
    assert _counts("hn") == _counts("gd")
    assert _counts("hn")["items"] >= 700
    client = Client()
    assert client.get("/hn/").status_code == 200
    found = client.get("/api/v1/tenants/hn/services?q=社保").json()
    assert found["count"] > 0
    kpis = client.get("/api/v1/tenants/hn/kpis").json()
    assert (kpis["services_total"], kpis["users_total"], kpis["cases_total"]) == (
        _counts("gd")["items"],
        0,
        0,
    )

    # Its own from then on: a change on either side stays there.
    code = ServiceItem.objects.filter(tenant__code="hn").order_by("code").first().code  # type: ignore[union-attr]
    ServiceItem.objects.filter(tenant__code="hn", code=code).update(name="海南自己的名称")
    assert ServiceItem.objects.get(tenant__code="gd", code=code).name != "海南自己的名称"
    Department.objects.filter(tenant__code="gd").update(phone="020-00000000")
    assert not Department.objects.filter(tenant__code="hn", phone="020-00000000").exists()


def test_the_new_tenants_operator_can_log_in_and_see_the_dashboard() -> None:
    out = io.StringIO()
    call_command(
        "tenant",
        "create",
        "--from-template",
        "xq",
        "--code",
        "op",
        "--name",
        "运营测试省",
        "--operator-phone",
        "13900139555",
        stdout=out,
        verbosity=0,
    )
    password = re.search(r"password (\S+) ", out.getvalue()).group(1)  # type: ignore[union-attr]
    operator = Client()
    assert login(operator, "13900139555", password, tenant="op").status_code == 302
    assert operator.get("/console/op/dashboard/").status_code == 200
    assert operator.get("/console/gd/dashboard/").status_code == 302  # not gd's staff: log in there first


def test_refusals_leave_nothing_half_made() -> None:
    before = Tenant.objects.count()
    for arguments in (
        ["--code", "gd", "--name", "重复"],
        ["--code", "api", "--name", "保留"],
        ["--code", "Bad Code", "--name", "坏"],
    ):
        with pytest.raises(CommandError):
            call_command("tenant", "create", "--from-template", "gd", *arguments, verbosity=0)
    with pytest.raises(CommandError):
        call_command(
            "tenant", "create", "--from-template", "nowhere", "--code", "ok", "--name", "无模板", verbosity=0
        )
    assert Tenant.objects.count() == before


def test_ten_tenants_work_side_by_side() -> None:
    codes = [f"p{n:02d}" for n in range(10)]
    for code in codes:
        call_command(
            "tenant",
            "create",
            "--from-template",
            "xq",
            "--code",
            code,
            "--name",
            f"省{code}",
            verbosity=0,
        )
    client = Client()
    for code in codes:
        assert client.get(f"/{code}/").status_code == 200
        assert client.get(f"/api/v1/tenants/{code}/kpis").json()["services_total"] == _counts("xq")["items"]
    listed = {t["code"] for t in client.get("/api/v1/tenants").json()}
    assert set(codes) <= listed
