"""Tenants, regions and departments: validation, audit, public listing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from onestop.core.actors import Actor
from onestop.core.errors import NotFound, ValidationFailed
from onestop.core.models import AuditEntry
from onestop.tenancy.access import access_tenant_by_code
from onestop.tenancy.actions import do_create_tenant, do_import_departments, do_import_regions
from onestop.tenancy.error_codes import TenancyErrorCode
from onestop.tenancy.models import Region, Tenant
from onestop.tenancy.specs import DepartmentSpec, RegionSpec

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("A", TenancyErrorCode.TENANT_CODE_INVALID),
        ("1abc", TenancyErrorCode.TENANT_CODE_INVALID),
        ("has space", TenancyErrorCode.TENANT_CODE_INVALID),
        ("api", TenancyErrorCode.TENANT_CODE_RESERVED),
        ("static", TenancyErrorCode.TENANT_CODE_RESERVED),
        ("audit", TenancyErrorCode.TENANT_CODE_RESERVED),  # the audit log's public endpoints
        ("gd", TenancyErrorCode.TENANT_CODE_TAKEN),
    ],
)
def test_tenant_codes_are_checked(code: str, error: TenancyErrorCode) -> None:
    before = (Tenant.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationFailed) as raised:
        do_create_tenant(actor=ACTOR, code=code, name="测试", kind="province")
    assert (raised.value.code, raised.value.field) == (error, "code")
    assert (Tenant.objects.count(), AuditEntry.objects.count()) == before


def test_creating_a_tenant_is_audited() -> None:
    tenant = do_create_tenant(actor=ACTOR, code="hn", name="海南省", kind="province")
    entry = AuditEntry.objects.get(action="tenancy.create_tenant", tenant_code="hn")
    assert entry.actor_kind == "system" and entry.outcome == "success"
    assert access_tenant_by_code("hn") == tenant


def test_private_tenants_are_hidden_from_the_public(client_zh: Client) -> None:
    do_create_tenant(actor=ACTOR, code="acme", name="某企业", kind="enterprise", is_public=False)
    codes = [t["code"] for t in client_zh.get("/api/v1/tenants").json()]
    assert "gd" in codes and "acme" not in codes
    with pytest.raises(NotFound):
        access_tenant_by_code("acme")
    assert access_tenant_by_code("acme", public_only=False).code == "acme"


def test_tenants_api_lists_code_name_and_kind(client_zh: Client) -> None:
    tenants = {t["code"]: t for t in client_zh.get("/api/v1/tenants").json()}
    assert tenants["gd"] == {
        "code": "gd",
        "name": "广东省（演示）",
        "name_en": "Guangdong (demo)",
        "kind": "province",
    }


def test_regions_need_a_parent_one_level_up() -> None:
    tenant = do_create_tenant(actor=ACTOR, code="hn", name="海南省", kind="province")
    do_import_regions(actor=ACTOR, tenant=tenant, regions=[RegionSpec("460000", "海南省", "province")])
    with pytest.raises(ValidationFailed) as raised:
        do_import_regions(
            actor=ACTOR,
            tenant=tenant,
            regions=[RegionSpec("460105", "秀英区", "county", parent_code="460000")],
        )
    assert raised.value.code == TenancyErrorCode.REGION_PARENT_UNKNOWN
    with pytest.raises(ValidationFailed) as raised:
        do_import_regions(actor=ACTOR, tenant=tenant, regions=[RegionSpec("46010", "x", "city")])
    assert raised.value.code == TenancyErrorCode.REGION_CODE_INVALID
    assert Region.objects.filter(tenant=tenant).count() == 1


def test_departments_attach_to_the_tenants_own_regions() -> None:
    tenant = do_create_tenant(actor=ACTOR, code="hn", name="海南省", kind="province")
    # 440000 exists, but for gd: it is not one of hn's regions.
    with pytest.raises(ValidationFailed) as raised:
        do_import_departments(
            actor=ACTOR,
            tenant=tenant,
            departments=[DepartmentSpec("hn-rs", "海南省人社厅", "rs", region_code="440000")],
        )
    assert raised.value.code == TenancyErrorCode.DEPARTMENT_REGION_UNKNOWN


def test_gd_has_cities_with_counties(client_zh: Client) -> None:
    tenant = access_tenant_by_code("gd")
    cities = Region.objects.filter(tenant=tenant, level="city")
    assert cities.count() >= 5
    for city in cities:
        assert city.children.filter(level="county").exists(), city.name


def test_a_requests_tenant_comes_from_the_directory_read_in_the_last_seconds(
    django_assert_num_queries: Any,
) -> None:
    from onestop.tenancy.access import tenant_of_event
    from onestop.tenancy.tests.factories import make_tenant

    access_tenant_by_code("gd")
    with django_assert_num_queries(0):
        tenant = access_tenant_by_code("gd")
        tenant.name = "改过的名字"  # a copy of its own: nobody else sees this
        assert access_tenant_by_code("gd").name != "改过的名字"
        assert tenant_of_event("gd").pk == tenant.pk
    # A tenant made a moment ago (in another process, say) is found in the database.
    made = make_tenant()
    assert access_tenant_by_code(made.code).pk == made.pk
    with pytest.raises(NotFound):
        access_tenant_by_code("no-such-tenant")
