"""Tenant isolation of every catalogue read, through the API and the portal.

Tenant ``xq`` shares 20 item codes with ``gd`` (different names, marked), has 20 codes of
its own, and lacks the rest of gd's catalogue. Nothing of one tenant may show through the
other, and an object of the other tenant must answer exactly like a missing one.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from onestop_dev.demo.generator import build_province
from onestop_dev.testing import OTHER_MARKER, OTHER_ONLY_PREFIX, OTHER_TENANT

pytestmark = pytest.mark.django_db

PROVINCE = build_province()
SHARED_CODE = PROVINCE.items[0].code
GD_ONLY_CODE = PROVINCE.items[100].code
GD_ONLY_NAME = PROVINCE.items[100].name
XQ_ONLY_CODE = OTHER_ONLY_PREFIX + PROVINCE.items[30].code[2:]
GD_NAME = PROVINCE.name


def _normalized(content: bytes, code: str) -> str:
    text = content.decode().replace(code, "{code}")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def _reads(tenant: str, code: str) -> list[str]:
    return [
        f"/api/v1/tenants/{tenant}/services?page_size=100",
        f"/api/v1/tenants/{tenant}/services?q=社保&page_size=100",
        f"/api/v1/tenants/{tenant}/services/{code}",
        f"/api/v1/tenants/{tenant}/themes",
        f"/api/v1/tenants/{tenant}/departments",
        f"/api/v1/tenants/{tenant}/kpis",
        f"/{tenant}/",
        f"/{tenant}/services/",
        f"/{tenant}/services/?q=社保",
        f"/{tenant}/services/{code}/",
        f"/{tenant}/departments/",
    ]


def test_other_tenant_sees_none_of_gd(client_zh: Client) -> None:
    for url in _reads(OTHER_TENANT, SHARED_CODE):
        response = client_zh.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert GD_NAME not in text, url
        assert GD_ONLY_NAME not in text and GD_ONLY_CODE not in text, url


def test_gd_sees_none_of_the_other_tenant(client_zh: Client) -> None:
    for url in _reads("gd", SHARED_CODE):
        response = client_zh.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert OTHER_MARKER not in text, url
        assert XQ_ONLY_CODE not in text, url


def test_same_code_answers_each_tenants_own_item(client_zh: Client) -> None:
    gd = client_zh.get(f"/api/v1/tenants/gd/services/{SHARED_CODE}").json()
    xq = client_zh.get(f"/api/v1/tenants/{OTHER_TENANT}/services/{SHARED_CODE}").json()
    assert gd["code"] == xq["code"] == SHARED_CODE
    assert not gd["name"].startswith(OTHER_MARKER)
    assert xq["name"] == OTHER_MARKER + gd["name"]


@pytest.mark.parametrize(
    ("tenant", "foreign_code"),
    [("gd", XQ_ONLY_CODE), (OTHER_TENANT, GD_ONLY_CODE)],
)
def test_another_tenants_item_answers_like_a_missing_one(
    client_zh: Client, tenant: str, foreign_code: str
) -> None:
    foreign = client_zh.get(f"/api/v1/tenants/{tenant}/services/{foreign_code}")
    missing = client_zh.get(f"/api/v1/tenants/{tenant}/services/NOSUCHCODE")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    page_foreign = client_zh.get(f"/{tenant}/services/{foreign_code}/")
    page_missing = client_zh.get(f"/{tenant}/services/NOSUCHCODE/")
    assert page_foreign.status_code == page_missing.status_code == 404
    # The pages may differ only in what they echo of the request (the path, for the
    # language switch to return to) and the per-request CSRF token.
    assert _normalized(page_foreign.content, foreign_code) == _normalized(page_missing.content, "NOSUCHCODE")


def test_department_filter_is_judged_on_the_tenants_own_rows(client_zh: Client) -> None:
    # xq was made from gd's template, so it has a department of the same code: the filter
    # must answer with xq's own items only.
    response = client_zh.get(f"/api/v1/tenants/{OTHER_TENANT}/services?department=gd-crj")
    assert response.status_code == 200
    assert all(
        r["department"]["code"] == "gd-crj" and r["name"].startswith(OTHER_MARKER)
        for r in response.json()["results"]
    )


def test_kpis_count_only_the_tenants_own_rows(client_zh: Client) -> None:
    gd = client_zh.get("/api/v1/tenants/gd/kpis").json()
    xq = client_zh.get(f"/api/v1/tenants/{OTHER_TENANT}/kpis").json()
    assert gd["services_total"] == len(PROVINCE.items)
    assert xq["services_total"] == 40
