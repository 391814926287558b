"""Service items for tests: specs valid by default, with traits for the usual variations,
and published items of a test tenant."""

from __future__ import annotations

import itertools
from dataclasses import replace
from decimal import Decimal
from typing import Any

from onestop.catalogue.access import access_service_item
from onestop.catalogue.actions import do_publish_service_forms, do_publish_service_items
from onestop.catalogue.models import ServiceItem
from onestop.catalogue.specs import MaterialSpec, PlaceSpec, ServiceItemSpec, StepSpec
from onestop.tenancy.models import Tenant
from onestop.tenancy.tests.factories import FACTORY

_codes = itertools.count(1)


def item_spec(*, needs_visit: bool = False, business: bool = False, **overrides: Any) -> ServiceItemSpec:
    """A complete, valid spec of a zero-trip personal item of department ``gd-rs``.

    Traits: ``needs_visit`` adds an on-site step and one visit; ``business`` makes it an
    item for businesses with a business-licence material.
    """
    steps = [StepSpec("网上申请"), StepSpec("审查"), StepSpec("决定")]
    if needs_visit:
        steps.insert(1, StepSpec("现场核验", requires_visit=True))
    materials = [MaterialSpec("居民身份证", "original", certificate_type="id_card")]
    if business:
        materials.append(MaterialSpec("营业执照", "copy", certificate_type="business_licence"))
    spec = ServiceItemSpec(
        code=f"T{next(_codes):07d}",
        name="测试事项",
        name_en="Test item",
        item_type="confirmation",
        department_code="gd-rs",
        exercise_level="city",
        audience="business" if business else "person",
        legal_basis="《中华人民共和国社会保险法》",
        acceptance_conditions="1. 测试条件。",
        statutory_limit_days=20,
        committed_limit_days=5,
        consultation_phone="12345",
        complaint_phone="12345",
        visits_required=1 if needs_visit else 0,
        materials=tuple(materials),
        steps=tuple(steps),
        places=(PlaceSpec("测试大厅", "测试地址", "周一至周五"),),
        fee_amount=Decimal("0"),
        keywords=("测试",),
        themes=("p-social",),
    )
    return replace(spec, **overrides)


PLEDGE_FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "测试申请",
    "title_en": "Test application",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "pledge": {"type": "boolean", "const": True, "title": "本人承诺", "title_en": "I declare"}
    },
    "required": ["pledge"],
    "x-steps": [{"key": "pledge", "title": "承诺", "title_en": "Pledge", "fields": ["pledge"]}],
}


def make_item(tenant: Tenant, **overrides: Any) -> ServiceItem:
    """A published item of ``tenant`` (made by ``make_tenant``) with a one-question form
    (``PLEDGE_FORM``), applied for online with nothing to attach unless ``materials``
    says otherwise."""
    overrides = {"materials": (), "themes": (), **overrides}
    spec = item_spec(**overrides)
    do_publish_service_items(actor=FACTORY, tenant=tenant, items=[spec])
    do_publish_service_forms(actor=FACTORY, tenant=tenant, forms={spec.code: PLEDGE_FORM})
    return access_service_item(tenant, spec.code)
