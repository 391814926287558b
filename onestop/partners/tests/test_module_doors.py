"""The service modules' door to cases: a case of another app's back office, of another
tenant or of none answers alike, and bad input gets a 4xx with a stable code."""

from __future__ import annotations

from typing import Any

import pytest

from onestop.cases.models import Case
from onestop.cases.tests.helpers import CITIZEN, apply, logged_in, rs_person_item
from onestop.partners.tests.helpers import make_partner_app
from onestop.partners.tests.test_modules import _install

pytestmark = pytest.mark.django_db
MISSING = "GD2099010100001"


def _shape(response: Any) -> tuple[int, str]:
    return response.status_code, response.json().get("code", "")


def test_another_apps_or_tenants_case_answers_like_a_missing_one() -> None:
    handler, bystander = make_partner_app(0, service_module=True), make_partner_app(1, service_module=True)
    item = rs_person_item().code
    assert _install(handler.app.client_id, item).status_code == 302
    number = apply(logged_in(CITIZEN), item)
    own = handler.token(scope="cases:process")["access_token"]
    other = bystander.token(scope="cases:process")["access_token"]
    step = {"content_type": "application/json", "data": {"transition": "accept", "comment": "受理"}}
    for method, path, extra in (
        ("get", "/tenants/gd/module/cases/{n}", {}),
        ("post", "/tenants/gd/module/cases/{n}/steps", step),
    ):
        missing = _shape(bystander.call(method, path.format(n=MISSING), other, **extra))
        assert missing[0] == 404, missing
        assert _shape(bystander.call(method, path.format(n=number), other, **extra)) == missing
        # The handling app's token at another tenant's address: as if the case were not there.
        far = handler.call(method, path.replace("/gd/", "/xq/").format(n=number), own, **extra)
        far_missing = handler.call(method, path.replace("/gd/", "/xq/").format(n=MISSING), own, **extra)
        assert _shape(far) == _shape(far_missing) and far.status_code in (401, 403, 404)
    assert Case.objects.get(number=number).state == "received"
    assert number not in [
        c["number"] for c in bystander.call("get", "/tenants/gd/module/cases", other).json()
    ]


def test_bad_filters_and_steps_get_a_4xx_with_a_stable_code() -> None:
    module = make_partner_app(service_module=True)
    token = module.token(scope="cases:process")["access_token"]
    for query in ("limit=abc", "limit=0", "limit=100000", "state=" + "x" * 40):
        refused = module.call("get", f"/tenants/gd/module/cases?{query}", token)
        assert refused.status_code == 422 and refused.json()["code"], query
    shapeless = module.call(
        "post",
        f"/tenants/gd/module/cases/{MISSING}/steps",
        token,
        content_type="application/json",
        data="[1]",
    )
    assert 400 <= shapeless.status_code < 500 and shapeless.json()["code"]
