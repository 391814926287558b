"""Tenant-owned rows are read with their tenant named (``tenancy.scoping``). The suite's
own modules are let through (they read what was written); here that is switched off, so
that these queries are checked as product code's are."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.db.models import Q
from pytest_django.fixtures import Settings

from onestop.tenancy.models import Region, Tenant, TenantOwned
from onestop.tenancy.scoping import TenantNotNamed, TenantOwnedManager

pytestmark = [pytest.mark.django_db, pytest.mark.own_data]


@pytest.fixture
def checked(settings: Settings) -> None:
    settings.ONESTOP_TENANT_QUERIES_FROM_TESTS = False


@pytest.fixture
def two() -> tuple[Region, Region]:
    mine = Tenant.objects.create(code="sa", name="甲", kind="province")
    theirs = Tenant.objects.create(code="sb", name="乙", kind="province")
    province = Region.objects.create(tenant=mine, code="110000", name="北京市", level="province")
    Region.objects.create(tenant=mine, code="110100", name="市辖区", level="city", parent=province)
    return province, Region.objects.create(tenant=theirs, code="310000", name="上海市", level="province")


CODES, NAMES = ["110000", "110100", "310000"], ["北京市", "市辖区", "上海市"]

UNNAMED: dict[str, Callable[[], Any]] = {
    "list": lambda: list(Region.objects.filter(level="province")),
    "all": lambda: list(Region.objects.all()),
    "get": lambda: Region.objects.get(code="110000"),
    "first": lambda: Region.objects.order_by("code").first(),
    "count": lambda: Region.objects.count(),
    "exists": lambda: Region.objects.filter(code="110000").exists(),
    "values": lambda: list(Region.objects.values_list("code", flat=True)),
    "aggregate": lambda: Region.objects.aggregate(n=__import__("django.db.models").db.models.Count("id")),
    "iterator": lambda: list(Region.objects.iterator()),
    "update": lambda: Region.objects.filter(code="110000").update(name="x"),
    "delete": lambda: Region.objects.filter(code="310000").delete(),
    "exclude": lambda: list(Region.objects.exclude(tenant__code="sb")),
    "or": lambda: list(Region.objects.filter(Q(tenant__code="sa") | Q(code="310000"))),
    "not": lambda: list(Region.objects.filter(~Q(tenant__code="sb"))),
    "get_or_create": lambda: Region.objects.get_or_create(code="110000", defaults={"level": "province"}),
}


@pytest.mark.usefixtures("checked")
@pytest.mark.parametrize("query", UNNAMED.values(), ids=UNNAMED.keys())
def test_a_query_that_names_no_tenant_is_refused(
    two: tuple[Region, Region], query: Callable[[], Any]
) -> None:
    with pytest.raises(TenantNotNamed, match="Region names no tenant"):
        query()
    unchanged = Region.objects.platform_wide().filter(code__in=CODES, name__in=NAMES)
    assert unchanged.count() == 3


@pytest.mark.usefixtures("checked")
def test_a_query_that_names_its_tenant_runs(two: tuple[Region, Region]) -> None:
    mine, theirs = two
    assert [r.code for r in Region.objects.of(mine.tenant).order_by("code")] == ["110000", "110100"]
    assert Region.objects.filter(tenant=theirs.tenant).get().code == "310000"
    assert Region.objects.filter(tenant_id=mine.tenant_id, level="city").count() == 1
    assert Region.objects.filter(Q(tenant__code="sb") & Q(level="province")).exists()
    assert Region.objects.filter(tenant=mine.tenant).filter(level="city").update(name="东城区") == 1
    # the related rows of an object in hand are its tenant's
    assert [r.code for r in mine.children.all()] == ["110100"]
    # writing rows and saving an object in hand name their tenant by their row
    Region.objects.create(tenant=theirs.tenant, code="310100", name="市辖区", level="city", parent=theirs)
    theirs.name = "上海"
    theirs.save()
    assert Region.objects.none().count() == 0


@pytest.mark.usefixtures("checked")
def test_platform_wide_work_says_so(two: tuple[Region, Region]) -> None:
    everywhere = Region.objects.platform_wide().filter(code__in=CODES)
    assert sorted(everywhere.values_list("code", flat=True)) == CODES
    assert everywhere.filter(level="province").count() == 2


def test_test_modules_read_what_was_written(two: tuple[Region, Region]) -> None:
    assert Region.objects.filter(code__in=CODES).count() == 3


def test_every_tenant_owned_model_has_the_checking_manager() -> None:
    owned = [m for m in apps.get_models() if issubclass(m, TenantOwned)]
    assert len(owned) >= 35
    unchecked = [m.__name__ for m in owned if not isinstance(m._default_manager, TenantOwnedManager)]
    assert unchecked == []
