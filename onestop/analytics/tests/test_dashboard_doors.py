"""The dashboards' doors: another tenant's dashboard answers a tenant operator exactly
as it answers a stranger (log in there), the platform view only platform operators, and
a range that is not offered gets a 422 with a stable code."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from onestop.cases.tests.helpers import CITIZEN, OPERATOR, logged_in

pytestmark = pytest.mark.django_db


def _shape(response) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    found = re.search(r'class="error-code">[^:]*: (\w+)', response.content.decode())
    return response.status_code, found.group(1) if found else response.get("Location", "")


def test_another_tenants_dashboard_answers_an_operator_as_it_answers_a_stranger() -> None:
    operator = logged_in(OPERATOR)
    assert operator.get("/console/gd/dashboard/").status_code == 200
    elsewhere = operator.get("/console/xq/dashboard/")
    assert _shape(elsewhere) == _shape(Client().get("/console/xq/dashboard/"))
    assert elsewhere.status_code == 302 and elsewhere["Location"].startswith("/xq/accounts/login/")
    assert _shape(operator.get("/console/nowhere/dashboard/"))[0] == 404
    assert _shape(logged_in(CITIZEN).get("/platform/"))[0] == 403


def test_a_range_that_is_not_offered_is_refused_with_its_code() -> None:
    operator = logged_in(OPERATOR)
    for days in ("abc", "5", "-30", "100000"):
        refused = operator.get("/console/gd/dashboard/", {"days": days})
        assert _shape(refused) == (422, "invalid_parameter"), days
    assert operator.get("/console/gd/dashboard/", {"days": "90"}).status_code == 200
