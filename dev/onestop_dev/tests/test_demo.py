"""The demo province: deterministic, large enough, complete, and loaded once."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command

from onestop.analytics.models import TrafficRollup
from onestop.catalogue.models import ServiceItem
from onestop.tenancy.models import Department, Region, Tenant
from onestop_dev.demo.generator import build_province

PROVINCE = build_province()


def test_same_seed_same_data_other_seed_other_data() -> None:
    assert build_province(2019) == build_province(2019)
    assert build_province(2019) != build_province(7)
    assert [i.name for i in build_province(7).items] == [i.name for i in PROVINCE.items]


def test_the_catalogue_has_the_seed_hubs_size() -> None:
    items = PROVINCE.items
    assert len(items) >= 700
    assert sum(1 for i in items if i.visits_required == 0) >= 617
    assert len({i.department_code for i in items}) >= 20
    assert len({i.code for i in items}) == len(items), "item codes are unique"
    assert len({i.name for i in items}) == len(items), "item names are unique"
    assert set(Counter(i.item_type for i in items)) >= {
        "licensing",
        "confirmation",
        "benefit",
        "levy",
        "public_service",
        "adjudication",
    }


def test_every_guide_is_complete() -> None:
    for item in PROVINCE.items:
        assert item.name_en and item.legal_basis and item.acceptance_conditions, item.code
        assert item.materials and item.steps and item.places, item.code
        assert item.committed_limit_days <= item.statutory_limit_days, item.code
        assert (item.visits_required == 0) == (not any(s.requires_visit for s in item.steps))
        assert item.themes and item.keywords, item.code


def test_regions_have_at_least_five_cities_with_counties() -> None:
    cities = [r for r in PROVINCE.regions if r.level == "city"]
    assert len(cities) >= 5
    for city in cities:
        assert any(r.parent_code == city.code for r in PROVINCE.regions), city.name


def test_life_events_bundle_existing_items() -> None:
    codes = {i.code for i in PROVINCE.items}
    assert {e.code for e in PROVINCE.life_events} >= {"birth", "start-business", "retirement"}
    for event in PROVINCE.life_events:
        assert event.item_codes and set(event.item_codes) <= codes


@pytest.mark.django_db
def test_demo_command_loads_once_with_two_real_provinces_beside(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The session fixture loaded gd already: a second run must leave it as it is.
    before = Tenant.objects.get(code="gd").created_at
    call_command("demo", verbosity=0)
    assert "already loaded" in capsys.readouterr().out
    assert Tenant.objects.get(code="gd").created_at == before
    # The provinces provisioned beside it are real ones, named after their own places.
    template_names = {
        "广东",
        *Region.objects.filter(tenant__code="gd").values_list("name", flat=True),
    }
    for code, province, prefix in (("nl", "湖南省", "43"), ("dh", "浙江省", "33")):
        top = Region.objects.get(tenant__code=code, level="province")
        assert (top.code, top.name) == (f"{prefix}0000", province)
        names = " ".join(Department.objects.filter(tenant__code=code).values_list("name", flat=True))
        assert f"{province}公安厅" in names
        assert not {name for name in template_names if name in names}
        codes = ServiceItem.objects.filter(tenant__code=code).values_list("code", flat=True)
        assert codes and all(c.startswith(prefix) for c in codes)
        # Its traffic history names its own items.
        assert TrafficRollup.objects.filter(tenant__code=code, dimension="item").exists()
        assert (
            not TrafficRollup.objects.filter(tenant__code=code, dimension="item")
            .exclude(key__in=list(codes))
            .exists()
        )


def test_the_sandbox_registry_holds_ten_thousand_valid_residents() -> None:
    from onestop.identity.idnumber import parse_id_number
    from onestop_dev.demo.residents import build_residents

    residents = build_residents()
    assert len(residents) == 10_000 == len({r.id_number for r in residents})
    for resident in residents[::97]:
        assert parse_id_number(resident.id_number).region_code.startswith("44")
        assert 2 <= len(resident.name) <= 3
    assert build_residents() == residents  # the same seed, the same people


@pytest.mark.django_db
def test_the_loaded_registry_matches_every_tenth_resident() -> None:
    from onestop.identity.providers.registry import RegistryAnswer, population_registry
    from onestop.tenancy.access import access_tenant_by_code
    from onestop_dev.demo.residents import build_residents

    tenant = access_tenant_by_code("gd")
    for resident in build_residents()[::1000]:
        answer = (
            population_registry()
            .match(tenant=tenant, name=resident.name, id_number=resident.id_number)
            .answer
        )
        expected = RegistryAnswer.MATCH if resident.status == "normal" else RegistryAnswer.CANCELLED
        assert answer == expected
