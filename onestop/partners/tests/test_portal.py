"""The developer portal and the operator's partner pages, used through their forms."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from onestop.cases.tests.helpers import OPERATOR, logged_in
from onestop.identity.tests.helpers import last_code
from onestop.partners.models import Admission, App, AppGrant, Partner, Subscription
from onestop.partners.tests.helpers import Receiver

pytestmark = pytest.mark.django_db
PHONE = "13700137555"


def _sign_up() -> Client:
    developer = Client(headers={"accept-language": "en"})
    assert "Sign up" in developer.get("/developers/").content.decode()
    assert developer.post("/developers/signup/", {"step": "code", "phone": PHONE}).status_code == 200
    response = developer.post(
        "/developers/signup/",
        {
            "phone": PHONE,
            "code": last_code(PHONE, tenant="sandbox"),
            "password": "Partner-Test-2019",
            "password_again": "Partner-Test-2019",
            "name": "新伙伴科技",
            "credit_code": "91350211M000100Y46",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return developer


def test_a_partner_signs_up_creates_an_app_and_tries_the_sandbox_at_once() -> None:
    developer = _sign_up()
    partner = Partner.objects.get(credit_code="91350211M000100Y46")
    sandbox = Admission.objects.get(partner=partner, tenant__code="sandbox")
    assert sandbox.state == "approved" and "cases:write" in sandbox.scopes

    created = developer.post(
        "/developers/apps/new/", {"name": "挂号小程序", "redirect_uris": "https://app.example/cb"}
    )
    assert created.status_code == 200
    page = created.content.decode()
    secret = re.search(r'id="new-secret">(oscs_[^<]+)<', page).group(1)  # type: ignore[union-attr]
    app = App.objects.get(partner=partner)
    assert secret not in developer.get(f"/developers/apps/{app.client_id}/").content.decode()  # shown once

    granted = developer.post(
        f"/developers/apps/{app.client_id}/do",
        {"do": "grant", "tenant": "sandbox", "scopes": ["catalogue:read", "webhooks:manage"]},
    )
    assert granted.status_code == 302
    assert AppGrant.objects.get(app=app, tenant__code="sandbox").scopes == [
        "catalogue:read",
        "webhooks:manage",
    ]
    with Receiver() as receiver:
        subscribed = developer.post(
            f"/developers/apps/{app.client_id}/do",
            {"do": "subscribe", "tenant": "sandbox", "url": receiver.url, "events": ["case.state_changed"]},
        )
    assert subscribed.status_code == 200 and 'id="new-webhook-secret">oswh_' in subscribed.content.decode()
    assert Subscription.objects.filter(app=app, tenant__code="sandbox", active=True).count() == 1

    token = Client().post(
        "/oauth/sandbox/token",
        {"grant_type": "client_credentials", "client_id": app.client_id, "client_secret": secret},
    )
    assert token.status_code == 200
    found = Client().get(
        "/api/v1/tenants/sandbox/services?q=社保",
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
    )
    assert found.status_code == 200


def test_bad_input_on_the_portal_is_explained() -> None:
    developer = _sign_up()
    bad = developer.post("/developers/apps/new/", {"name": "x", "redirect_uris": "ftp://nowhere"})
    assert bad.status_code == 422 and "redirect_uri_invalid" in bad.content.decode()
    again = Client(headers={"accept-language": "en"})
    again.post("/developers/signup/", {"step": "code", "phone": "13700137556"})
    taken = again.post(
        "/developers/signup/",
        {
            "phone": "13700137556",
            "code": last_code("13700137556", tenant="sandbox"),
            "password": "Partner-Test-2019",
            "password_again": "Partner-Test-2019",
            "name": "重复",
            "credit_code": "91350211M000100Y47",
        },
    )
    assert taken.status_code == 422 and "credit_code_invalid" in taken.content.decode()


def test_the_operator_admits_a_partner_with_scopes() -> None:
    developer = _sign_up()
    partner = Partner.objects.get(credit_code="91350211M000100Y46")
    assert (
        developer.post(f"/developers/partners/{partner.pk}/admissions", {"tenant": "gd"}).status_code == 302
    )
    admission = Admission.objects.get(partner=partner, tenant__code="gd")
    assert admission.state == "pending"
    operator = logged_in(OPERATOR)
    assert "新伙伴科技" in operator.get("/console/gd/partners/").content.decode()
    decided = operator.post(
        f"/console/gd/partners/{admission.pk}/decide/",
        {"state": "approved", "scopes": ["catalogue:read", "cases:read"]},
    )
    assert decided.status_code == 302
    admission.refresh_from_db()
    assert (admission.state, admission.scopes) == ("approved", ["cases:read", "catalogue:read"])
    app = developer.post("/developers/apps/new/", {"name": "办事助手"})
    client_id = App.objects.get(partner=partner).client_id
    assert app.status_code == 200
    too_much = developer.post(
        f"/developers/apps/{client_id}/do",
        {"do": "grant", "tenant": "gd", "scopes": ["cases:write"]},
        follow=True,
    )
    assert "scope_not_allowed" in too_much.content.decode()
    assert not AppGrant.objects.filter(app__client_id=client_id, tenant__code="gd").exists()
