"""Shared test fixtures.

The full demo province (tenant ``gd``) and a second, smaller tenant (``xq``) whose item
names carry a marker are loaded once per session; every test runs in a transaction that
is rolled back, so tests see the same data whatever their order.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.test import Client

from onestop.catalogue.specs import ServiceItemSpec
from onestop.demo.generator import build_province
from onestop.demo.loader import load_province

OTHER_TENANT = "xq"
OTHER_MARKER = "隔离标记XQ"
OTHER_ONLY_PREFIX = "XQ"


def other_province_items() -> list[ServiceItemSpec]:
    """The second tenant's catalogue: the first 40 demo items, renamed with a marker; the
    first 20 keep gd's codes (same code, different tenant), the next 20 get codes of their
    own."""
    province = build_province()
    items = []
    for index, spec in enumerate(province.items[:40]):
        code = spec.code if index < 20 else OTHER_ONLY_PREFIX + spec.code[2:]
        items.append(replace(spec, code=code, name=f"{OTHER_MARKER}{spec.name}", keywords=()))
    return items


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:
    province = build_province()
    other = replace(province, items=other_province_items(), life_events=[])
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        load_province(province)
        load_province(other, code=OTHER_TENANT, name=f"{OTHER_MARKER}省")


@pytest.fixture
def client_en(db: None) -> Client:
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def client_zh(db: None) -> Client:
    return Client(headers={"accept-language": "zh-CN,zh;q=0.9"})
