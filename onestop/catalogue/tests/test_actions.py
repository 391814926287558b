"""Publishing and withdrawing service items: validation before any write, audit records,
outbox events, versions."""

from __future__ import annotations

from dataclasses import replace

import pytest

from onestop.catalogue.access import ServiceQuery, access_service_item, search_service_items
from onestop.catalogue.actions import do_publish_service_items, do_withdraw_service_item
from onestop.catalogue.error_codes import CatalogueErrorCode
from onestop.catalogue.models import Material, SearchTerm, ServiceItem
from onestop.catalogue.specs import MaterialSpec, StepSpec
from onestop.catalogue.tests.factories import item_spec
from onestop.core.actors import Actor
from onestop.core.errors import NotFound, ValidationFailed
from onestop.core.models import AuditEntry, OutboxEvent
from onestop.tenancy.access import access_tenant_by_code

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


@pytest.fixture
def tenant():  # type: ignore[no-untyped-def]
    return access_tenant_by_code("gd")


def _counts(tenant) -> tuple[int, int, int, int, int]:  # type: ignore[no-untyped-def]
    return (
        ServiceItem.objects.filter(tenant=tenant).count(),
        Material.objects.filter(tenant=tenant).count(),
        SearchTerm.objects.filter(tenant=tenant).count(),
        AuditEntry.objects.count(),
        OutboxEvent.objects.count(),
    )


def test_publish_writes_item_audit_and_events(tenant) -> None:  # type: ignore[no-untyped-def]
    audits, events = AuditEntry.objects.count(), OutboxEvent.objects.count()
    spec = item_spec(name="新测试事项社保", keywords=("测试别名",))
    assert do_publish_service_items(actor=ACTOR, tenant=tenant, items=[spec]) == 1

    item = access_service_item(tenant, spec.code)
    assert (item.name, item.version, item.is_zero_trip) == ("新测试事项社保", 1, True)
    assert [m.name for m in item.materials.all()] == ["居民身份证"]
    assert [t.code for t in item.themes.all()] == ["p-social"]
    assert AuditEntry.objects.count() == audits + 1
    entry = AuditEntry.objects.last()
    assert entry is not None
    assert (entry.action, entry.tenant_code, entry.actor_label) == (
        "catalogue.publish_service_items",
        "gd",
        "test",
    )
    event = OutboxEvent.objects.last()
    assert OutboxEvent.objects.count() == events + 1 and event is not None
    assert event.topic == "catalogue.service_item.published"
    assert event.payload == {"tenant": "gd", "code": spec.code, "version": 1}
    # The new item is searchable by its alias and its pinyin at once.
    assert search_service_items(tenant, ServiceQuery(q="ceshibieming")).items == [item]


def test_republishing_makes_a_new_version_and_replaces_materials(tenant) -> None:  # type: ignore[no-untyped-def]
    spec = item_spec()
    do_publish_service_items(actor=ACTOR, tenant=tenant, items=[spec])
    changed = replace(spec, name="改名后的事项", materials=(MaterialSpec("户口簿", "original"),))
    do_publish_service_items(actor=ACTOR, tenant=tenant, items=[changed])
    item = access_service_item(tenant, spec.code)
    assert (item.name, item.version) == ("改名后的事项", 2)
    assert [m.name for m in item.materials.all()] == ["户口簿"]
    assert not search_service_items(tenant, ServiceQuery(q="测试事项")).items.count(item) > 1
    assert item in search_service_items(tenant, ServiceQuery(q="改名")).items


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        (
            {"committed_limit_days": 30},
            CatalogueErrorCode.ITEM_LIMITS_INCONSISTENT,
            "committed_limit_days",
        ),
        ({"visits_required": 1}, CatalogueErrorCode.ITEM_VISITS_INCONSISTENT, "visits_required"),
        (
            {"steps": (StepSpec("现场", requires_visit=True),)},
            CatalogueErrorCode.ITEM_VISITS_INCONSISTENT,
            "visits_required",
        ),
        ({"steps": ()}, CatalogueErrorCode.ITEM_VISITS_INCONSISTENT, "visits_required"),
        ({"department_code": "nope"}, CatalogueErrorCode.DEPARTMENT_UNKNOWN, "department_code"),
        ({"themes": ("nope",)}, CatalogueErrorCode.THEME_UNKNOWN, "themes"),
        ({"item_type": "magic"}, CatalogueErrorCode.ITEM_FIELD_INVALID, "item_type"),
        ({"min_trust_level": 9}, CatalogueErrorCode.ITEM_FIELD_INVALID, "min_trust_level"),
        ({"code": "a b"}, CatalogueErrorCode.ITEM_CODE_INVALID, "code"),
        ({"name": ""}, CatalogueErrorCode.ITEM_FIELD_INVALID, "name"),
        (
            {"materials": (MaterialSpec("x", "paper"),)},
            CatalogueErrorCode.ITEM_FIELD_INVALID,
            "materials.form",
        ),
    ],
)
def test_one_bad_item_writes_nothing(tenant, overrides, code, field) -> None:  # type: ignore[no-untyped-def]
    before = _counts(tenant)
    good, bad = item_spec(), item_spec(**overrides)
    with pytest.raises(ValidationFailed) as raised:
        do_publish_service_items(actor=ACTOR, tenant=tenant, items=[good, bad])
    assert (raised.value.code, raised.value.field) == (code, field)
    assert _counts(tenant) == before


def test_duplicate_codes_in_one_list_are_refused(tenant) -> None:  # type: ignore[no-untyped-def]
    spec = item_spec()
    before = _counts(tenant)
    with pytest.raises(ValidationFailed) as raised:
        do_publish_service_items(actor=ACTOR, tenant=tenant, items=[spec, spec])
    assert raised.value.code == CatalogueErrorCode.ITEM_CODE_DUPLICATE
    assert _counts(tenant) == before


def test_an_item_needing_a_visit_is_not_zero_trip(tenant) -> None:  # type: ignore[no-untyped-def]
    spec = item_spec(needs_visit=True, business=True)
    do_publish_service_items(actor=ACTOR, tenant=tenant, items=[spec])
    item = access_service_item(tenant, spec.code)
    assert not item.is_zero_trip and item.audience == "business"
    assert [s.requires_visit for s in item.steps.all()] == [False, True, False, False]


def test_withdrawn_items_leave_guide_and_search(tenant) -> None:  # type: ignore[no-untyped-def]
    spec = item_spec(name="即将合并的事项", keywords=("独有别名",))
    do_publish_service_items(actor=ACTOR, tenant=tenant, items=[spec])
    assert search_service_items(tenant, ServiceQuery(q="独有别名")).count == 1
    do_withdraw_service_item(actor=ACTOR, tenant=tenant, code=spec.code, reason="merged")
    with pytest.raises(NotFound):
        access_service_item(tenant, spec.code)
    assert search_service_items(tenant, ServiceQuery(q="独有别名")).count == 0
    assert OutboxEvent.objects.last().topic == "catalogue.service_item.withdrawn"  # type: ignore[union-attr]
    with pytest.raises(NotFound):
        do_withdraw_service_item(actor=ACTOR, tenant=tenant, code=spec.code, reason="again")
