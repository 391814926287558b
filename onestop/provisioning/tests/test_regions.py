"""A province made from the template is that province: its cities and counties from the
official table (GB/T 2260), the template's departments and item codes named after them;
a bad region is refused before anything is written, and the template stays as it was."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client

from onestop.catalogue.models import ServiceForm, ServiceItem
from onestop.core.models import AuditEntry
from onestop.tenancy.models import Department, Region, Tenant

pytestmark = pytest.mark.django_db


def _official_table() -> dict[str, tuple[str, str | None]]:
    """Code: (name, parent's code), read straight from the installed package's files."""
    folder = Path(settings.ONESTOP_DIVISIONS_DIR)

    def rows(name: str) -> list[dict[str, str]]:
        return json.loads((folder / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]

    table: dict[str, tuple[str, str | None]] = {}
    table.update((f"{p['code']}0000", (p["name"], None)) for p in rows("provinces.json"))
    table.update((f"{c['code']}00", (c["name"], f"{c['provinceCode']}0000")) for c in rows("cities.json"))
    table.update((a["code"], (a["name"], f"{a['cityCode']}00")) for a in rows("areas.json"))
    return table


def _template_place_names() -> set[str]:
    """Every name of the template's places: official, short (广东, 广州) and English."""
    names: set[str] = {"广东", "粤"}
    for region in Region.objects.filter(tenant__code="gd"):
        names |= {region.name, region.name_en}
        if region.level == "city":
            names.add(region.name.removesuffix("市"))
    return names - {""}


def _snapshot(code: str) -> dict[str, Any]:
    tenant = Tenant.objects.get(code=code)
    return {
        "tenant": (tenant.name, tenant.name_en),
        "regions": sorted(Region.objects.filter(tenant=tenant).values_list("code", "name", "parent__code")),
        "departments": sorted(
            Department.objects.filter(tenant=tenant).values_list(
                "code", "name", "name_en", "short_name", "address", "region__code"
            )
        ),
        "items": sorted(
            ServiceItem.objects.filter(tenant=tenant).values_list(
                "code", "name", "department__code", "places"
            )
        ),
        "forms": sorted(
            (f.item.code, json.dumps(f.schema, sort_keys=True))
            for f in ServiceForm.objects.filter(tenant=tenant).select_related("item")
        ),
    }


def test_a_province_from_the_template_has_its_own_places_names_and_item_codes() -> None:
    template_before = _snapshot("gd")
    out = io.StringIO()
    call_command(
        "tenant",
        "create",
        "--from-template",
        "gd",
        "--region",
        "430000",
        "--code",
        "nl",
        "--name",
        "湖南省（演示）",
        "--name-en",
        "Hunan (demo)",
        stdout=out,
        verbosity=0,
    )
    assert "湖南省 (430000): 6 cities" in out.getvalue()

    # Its regions are the official table's, under their official parents: Hunan's first six
    # cities in the places of the template's six, their counties in the places of theirs.
    regions = {r.code: r for r in Region.objects.filter(tenant__code="nl").select_related("parent")}
    official = _official_table()
    for region in regions.values():
        assert official[region.code] == (region.name, region.parent.code if region.parent else None)
    assert (regions["430000"].name, regions["430000"].level, regions["430000"].name_en) == (
        "湖南省",
        "province",
        "Hunan",
    )
    assert (regions["430100"].name, regions["430100"].level, regions["430100"].name_en) == (
        "长沙市",
        "city",
        "Changsha",
    )
    assert sorted(c for c, r in regions.items() if r.level == "city") == [
        "430100",
        "430200",
        "430300",
        "430400",
        "430500",
        "430600",
    ]
    assert (regions["430102"].name, regions["430102"].parent.code, regions["430102"].name_en) == (  # type: ignore[union-attr]
        "芙蓉区",
        "430100",
        "Furong District",
    )

    # Its departments are named after its own places, in the template's structure.
    client = Client(headers={"accept-language": "zh-CN"})
    page = client.get("/nl/departments/").content.decode()
    listed = client.get("/api/v1/tenants/nl/departments").json()
    assert "湖南省公安厅" in page and "湖南省人力资源和社会保障厅" in page
    texts = page + json.dumps(listed, ensure_ascii=False)
    assert not {name for name in _template_place_names() if name in texts}
    by_code = {d["code"]: d for d in listed}
    assert (by_code["430100-rs"]["region_code"], by_code["430100-rs"]["region_level"]) == (
        "430100",
        "city",
    )
    assert (
        by_code["430100-rs"]["name"],
        by_code["430100-rs"]["name_en"],
        by_code["430100-rs"]["short_name"],
    ) == ("长沙市人力资源和社会保障局", "Changsha Human Resources and Social Security Bureau", "长沙人社")
    assert by_code["430102-ga"]["name"] == "长沙市公安局芙蓉区分局"
    assert by_code["nl-sw"]["name"] == "国家税务总局湖南省税务局"
    assert all(d["region_code"].startswith("43") for d in listed)
    template_lines = set(Department.objects.filter(tenant__code="gd").values_list("line", "region__level"))
    assert (
        set(Department.objects.filter(tenant__code="nl").values_list("line", "region__level"))
        == template_lines
    )

    # Every item code starts with the province's prefix, one for each of the template's.
    codes = list(ServiceItem.objects.filter(tenant__code="nl").values_list("code", flat=True))
    template_codes = ServiceItem.objects.filter(tenant__code="gd").values_list("code", flat=True)
    assert codes and all(code.startswith("43") for code in codes)
    assert sorted(codes) == sorted(f"43{code[2:]}" for code in template_codes)
    # The items' halls, the forms' choices of county and the search follow.
    item = ServiceItem.objects.filter(tenant__code="nl").select_related("department").first()
    assert item is not None and item.department.code.startswith("nl-")
    assert item.places[0]["name"] == "湖南省政务服务中心" and item.places[0]["address"].startswith("长沙市")
    county = next(
        f.schema["properties"]["county"]
        for f in ServiceForm.objects.filter(tenant__code="nl")
        if "county" in f.schema["properties"]
    )
    assert county["enum"][0] == "430102" and set(county["enum"]) <= set(regions)
    assert county["x-enum-labels"]["430102"] == {
        "zh": "长沙市芙蓉区",
        "en": "Furong District, Changsha",
    }
    found = client.get("/api/v1/tenants/nl/services?q=社保").json()
    assert found["count"] > 0 and all(r["code"].startswith("43") for r in found["results"])

    assert _snapshot("gd") == template_before, "the template stays as it was"


@pytest.mark.parametrize(
    ("region", "code"),
    [
        ("43", "region_code_invalid"),
        ("43000X", "region_code_invalid"),
        ("380000", "region_unknown"),  # no such division
        ("430100", "region_not_province"),  # 长沙市
        ("430102", "region_not_province"),  # 芙蓉区
        ("460000", "region_too_few_cities"),  # 海南省: 4 cities, the template has 6
        ("110000", "region_too_few_cities"),  # 北京市: districts, no cities
    ],
)
def test_a_bad_region_is_refused_and_nothing_is_written(region: str, code: str) -> None:
    before = (Tenant.objects.count(), Region.objects.count(), AuditEntry.objects.count())
    with pytest.raises(CommandError, match=rf"\({code}\)$"):
        call_command(
            "tenant",
            "create",
            "--from-template",
            "gd",
            "--region",
            region,
            "--code",
            "nl",
            "--name",
            "坏省",
            verbosity=0,
        )
    assert (Tenant.objects.count(), Region.objects.count(), AuditEntry.objects.count()) == before


def test_a_template_that_would_lose_a_named_department_or_repeat_an_item_code_is_refused() -> None:
    # Changsha has 9 counties; Guangzhou's 11th (增城区) has no place in Hunan, and so
    # neither has its office: an item it implements could not be placed.
    before = (Tenant.objects.count(), AuditEntry.objects.count())
    gd = Tenant.objects.get(code="gd")
    first, second = ServiceItem.objects.filter(tenant=gd).order_by("code")[:2]
    ServiceItem.objects.filter(pk=first.pk).update(
        department=Department.objects.get(tenant=gd, code="440118-rs")
    )
    with pytest.raises(CommandError, match=r"\(department_without_region\)$"):
        call_command(
            "tenant",
            "create",
            "--from-template",
            "gd",
            "--region",
            "430000",
            "--code",
            "nl",
            "--name",
            "湖南省",
            verbosity=0,
        )
    ServiceItem.objects.filter(pk=first.pk).update(department=second.department)
    # An item whose code already starts with 43 would meet its renamed twin.
    ServiceItem.objects.filter(pk=first.pk).update(code=f"43{second.code[2:]}")
    with pytest.raises(CommandError, match=r"\(item_code_clash\)$"):
        call_command(
            "tenant",
            "create",
            "--from-template",
            "gd",
            "--region",
            "430000",
            "--code",
            "nl",
            "--name",
            "湖南省",
            verbosity=0,
        )
    assert (Tenant.objects.count(), AuditEntry.objects.count()) == before
