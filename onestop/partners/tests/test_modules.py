"""Partner-built service modules: installed by the tenant operator for chosen items, they
receive those items' cases instead of the console and take the officer's steps."""

from __future__ import annotations

import pytest

from onestop.cases.models import Case
from onestop.cases.tests.helpers import CITIZEN, OFFICER, OPERATOR, apply, logged_in, rs_person_item
from onestop.catalogue.models import ServiceItem
from onestop.partners.tests.helpers import make_partner_app

pytestmark = pytest.mark.django_db


def _install(client_id: str, code: str, do: str = "install"):  # type: ignore[no-untyped-def]
    operator = logged_in(OPERATOR)
    return operator.post(f"/console/gd/partners/apps/{client_id}/", {"do": do, "items": code})


def test_cases_of_installed_items_go_to_the_app_and_not_to_the_console() -> None:
    module = make_partner_app(service_module=True)
    item = rs_person_item().code
    assert _install(module.app.client_id, item).status_code == 302
    assert ServiceItem.objects.get(tenant__code="gd", code=item).back_office_app == module.app.client_id

    number = apply(logged_in(CITIZEN), item)
    case = Case.objects.get(number=number)
    assert case.handled_by_app == module.app.client_id

    officer = logged_in(OFFICER)
    assert number not in officer.get("/console/gd/cases/").content.decode()
    assert officer.get(f"/console/gd/cases/{number}/").status_code == 404
    refused = officer.post(f"/console/gd/cases/{number}/", {"transition": "accept", "comment": "同意"})
    assert refused.status_code == 404 and Case.objects.get(number=number).state == "received"

    token = module.token(scope="cases:process")["access_token"]
    listed = module.call("get", "/tenants/gd/module/cases", token).json()
    assert [c["number"] for c in listed] == [number]
    detail = module.call("get", f"/tenants/gd/module/cases/{number}", token).json()
    assert detail["answers"]["purpose"] == "测试申请" and detail["materials"]

    unknown = module.call(
        "post",
        f"/tenants/gd/module/cases/{number}/steps",
        token,
        content_type="application/json",
        data={"transition": "teleport", "comment": "x"},
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "transition_unknown"
    silent = module.call(
        "post",
        f"/tenants/gd/module/cases/{number}/steps",
        token,
        content_type="application/json",
        data={"transition": "accept", "comment": " "},
    )
    assert silent.status_code == 422 and silent.json()["code"] == "comment_required"
    accepted = module.call(
        "post",
        f"/tenants/gd/module/cases/{number}/steps",
        token,
        content_type="application/json",
        data={"transition": "accept", "comment": "医院预约系统受理"},
    )
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    citizen_view = logged_in(CITIZEN).get(f"/api/v1/tenants/gd/cases/{number}").json()
    assert citizen_view["public_state"] == "accepted"

    # Uninstalled: new cases go to the console again; the app keeps the case it has.
    assert _install(module.app.client_id, item, do="uninstall").status_code == 302
    later = Case.objects.get(number=apply(logged_in(CITIZEN), item))
    assert later.handled_by_app == ""
    assert module.call("get", f"/tenants/gd/module/cases/{number}", token).status_code == 200


def test_an_app_that_is_no_service_module_cannot_be_installed() -> None:
    plain = make_partner_app()
    item = rs_person_item().code
    response = _install(plain.app.client_id, item)
    assert response.status_code == 302
    assert ServiceItem.objects.get(tenant__code="gd", code=item).back_office_app == ""
    token = plain.token(scope="catalogue:read")["access_token"]
    refused = plain.call("get", "/tenants/gd/module/cases", token)
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"


def test_a_citizens_token_cannot_run_a_back_office() -> None:
    module = make_partner_app(service_module=True)
    acting = module.consent_of(logged_in(CITIZEN))["access_token"]
    refused = module.call("get", "/tenants/gd/module/cases", acting)
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"
