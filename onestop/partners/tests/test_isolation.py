"""Every cross-tenant and cross-partner access is denied, and nothing changes."""

from __future__ import annotations

import pytest
from django.test import Client

from onestop.cases.tests.helpers import CITIZEN, OPERATOR, apply, logged_in, rs_person_item
from onestop.core.models import AuditEntry
from onestop.identity.tests.helpers import login
from onestop.partners import actions
from onestop.partners.models import (
    Admission,
    ClientSecret,
    Consent,
    Subscription,
    Token,
    WebhookDelivery,
)
from onestop.partners.tests.helpers import SYSTEM, Receiver, basic, make_partner_app, operator
from onestop.tenancy.models import Tenant

pytestmark = pytest.mark.django_db


def _state() -> tuple[object, ...]:
    """Everything a denied call could have changed."""
    return (
        list(Subscription.objects.values_list("id", "active", "url").order_by("id")),
        list(WebhookDelivery.objects.values_list("id", "state", "attempts").order_by("id")),
        list(ClientSecret.objects.values_list("id", "revoked_at", "expires_at").order_by("id")),
        list(Token.objects.filter(revoked_at__isnull=True).values_list("id").order_by("id")),
        list(Consent.objects.values_list("id", "revoked_at").order_by("id")),
        list(Admission.objects.values_list("id", "state", "scopes").order_by("id")),
        AuditEntry.objects.filter(outcome="success").count(),
    )


@pytest.fixture
def two_partners():  # type: ignore[no-untyped-def]
    """Partner A and partner B in gd; B has a subscription with a delivery and a module
    case."""
    a, b = make_partner_app(0), make_partner_app(1, service_module=True)
    b_token = b.token()["access_token"]
    with Receiver() as receiver:
        created = b.call(
            "post",
            "/tenants/gd/webhooks",
            b_token,
            content_type="application/json",
            data={"url": receiver.url, "events": ["case.state_changed"]},
        )
    subscription = Subscription.objects.get(pk=created.json()["id"])
    item = rs_person_item().code
    grant = b.app.grants.get(tenant__code="gd")
    actions.do_install_module(actor=SYSTEM, operator=operator(), grant=grant, item_codes=[item])
    number = apply(logged_in(CITIZEN), item)
    delivery = WebhookDelivery.objects.create(
        tenant=subscription.tenant,
        subscription=subscription,
        event_id="6c1f3a1e-8c59-4e8e-9d5b-2f3b3c1d2e4f",
        event_type="case.state_changed",
        payload={"case": number},
    )
    return a, b, subscription, delivery, number


def test_another_partners_objects_answer_like_missing_ones(two_partners) -> None:  # type: ignore[no-untyped-def]
    a, _b, subscription, delivery, number = two_partners
    token = a.token()["access_token"]
    before = _state()
    calls = [
        ("delete", f"/tenants/gd/webhooks/{subscription.pk}"),
        ("post", f"/tenants/gd/webhook-deliveries/{delivery.pk}/replay"),
        ("get", f"/tenants/gd/module/cases/{number}"),
        ("post", f"/tenants/gd/module/cases/{number}/steps"),
        ("get", f"/tenants/gd/cases/{number}"),
    ]
    for method, path in calls:
        kwargs = {
            "content_type": "application/json",
            "data": {"transition": "accept", "comment": "越权"},
        }
        response = a.call(method, path, token, **(kwargs if path.endswith("steps") else {}))
        assert response.status_code in (403, 404), (path, response.status_code)
        if response.status_code == 404:
            assert response.json()["code"].endswith("not_found"), response.json()
    assert [d["id"] for d in a.call("get", "/tenants/gd/webhook-deliveries", token).json()] == []
    assert a.call("get", "/tenants/gd/webhooks", token).json() == []
    assert a.call("get", "/tenants/gd/module/cases", token).json() == []
    after = _state()
    assert after[:-1] == before[:-1]


def test_a_token_of_one_tenant_opens_nothing_in_another(two_partners) -> None:  # type: ignore[no-untyped-def]
    a, *_rest = two_partners
    token = a.token()["access_token"]
    before = _state()
    for path in [
        "/tenants/xq/services",
        "/tenants/xq/themes",
        "/tenants/sandbox/webhooks",
        "/tenants/xq/cases",
        "/tenants/xq/partner/token",
        "/tenants/sandbox/module/cases",
    ]:
        response = a.call("get", path, token)
        assert response.status_code == 404, (path, response.status_code)
    # Not approved in xq: no token there at all.
    refused = a.http.post(
        "/oauth/xq/token",
        {"grant_type": "client_credentials"},
        headers={"Authorization": basic(a.app.client_id, a.secret)},
    )
    assert refused.json()["error"] == "unauthorized_client"
    assert _state()[:-1] == before[:-1]


def test_developers_see_their_own_apps_only(two_partners) -> None:  # type: ignore[no-untyped-def]
    a, b, *_rest = two_partners
    developer_a = Client()
    assert login(developer_a, "13700137100", "Partner-Test-2019").status_code == 302
    before = _state()
    assert developer_a.get(f"/developers/apps/{b.app.client_id}/").status_code == 404
    for do in ("rotate", "revoke", "edit", "unsubscribe"):
        response = developer_a.post(f"/developers/apps/{b.app.client_id}/do", {"do": do, "name": "x"})
        assert response.status_code == 404
    # Through its own app, another app's subscription or delivery is not found either.
    for do, field, value in (
        ("unsubscribe", "subscription", _rest[0].pk),
        ("replay", "delivery", _rest[1].pk),
    ):
        developer_a.post(f"/developers/apps/{a.app.client_id}/do", {"do": do, field: value})
    assert _state()[:-1] == before[:-1]


def test_operators_decide_for_their_own_tenant_only(two_partners) -> None:  # type: ignore[no-untyped-def]
    a, *_rest = two_partners
    xq = Tenant.objects.get(code="xq")
    foreign = actions.do_request_admission(actor=SYSTEM, user=a.developer, partner=a.partner, tenant=xq)
    console = logged_in(OPERATOR)
    before = _state()
    assert (
        console.post(f"/console/gd/partners/{foreign.pk}/decide/", {"state": "approved"}).status_code == 404
    )
    elsewhere = console.post(f"/console/xq/partners/{foreign.pk}/decide/", {"state": "approved"})
    assert elsewhere.status_code == 302 and elsewhere["Location"].startswith(
        "/xq/accounts/login/"
    )  # not xq's staff
    assert _state()[:-1] == before[:-1]
    assert Admission.objects.get(pk=foreign.pk).state == "pending"


def test_a_citizen_cannot_withdraw_another_citizens_consent() -> None:
    partner = make_partner_app()
    partner.consent_of(logged_in(CITIZEN))
    consent = Consent.objects.get(app=partner.app)
    other = logged_in("13800138001")
    assert other.post("/gd/me/apps/", {"consent": consent.pk}).status_code == 404
    assert Consent.objects.get(pk=consent.pk).revoked_at is None


def test_suspending_a_partner_ends_its_tokens() -> None:
    partner = make_partner_app()
    token = partner.token()["access_token"]
    admission = Admission.objects.get(partner=partner.partner, tenant__code="gd")
    actions.do_decide_admission(actor=SYSTEM, operator=operator(), admission=admission, state="suspended")
    assert partner.call("get", "/tenants/gd/partner/token", token).status_code == 401
    refused = partner.http.post(
        "/oauth/gd/token",
        {"grant_type": "client_credentials"},
        headers={"Authorization": basic(partner.app.client_id, partner.secret)},
    )
    assert refused.json()["error"] == "unauthorized_client"
