"""Where webhooks may go. Subscribing refuses every way of writing a non-public target,
through the API and the developer page alike, and writes nothing; a delivery connects to
the very address it checked, whatever a second lookup of the name would answer.

Every lookup and connection stays on this machine (``Resolver``): public names are
answered from a table, and the only servers are receivers on loopback addresses.
"""

from __future__ import annotations

import ssl
import uuid
from pathlib import Path

import pytest
import trustme
from django.test import Client, override_settings

from onestop.core.models import OutboxEvent
from onestop.identity.tests.helpers import login
from onestop.partners import actions, webhooks
from onestop.partners.models import Subscription, WebhookDelivery
from onestop.partners.tests.helpers import SYSTEM, PartnerApp, Receiver, Resolver, make_partner_app

pytestmark = pytest.mark.django_db
PUBLIC = "93.184.215.14"  # answered by the table only: never connected to (Resolver)

# Each is refused outside development: what inet_aton or a browser reads as loopback,
# "this host", link-local, private or shared, cloud metadata by address or name, and URLs
# with a user name or without https.
REFUSED = [
    "https://127.1/",
    "https://2130706433/",
    "https://0x7f000001/",
    "https://0177.0.0.1/",
    "https://0/",
    "https://0x7f.1/",
    "https://127.0.0.1./",
    "https://%31%32%37.0.0.1/",
    "https://１２７.０.０.１/",
    "https://[::ffff:127.0.0.1]/",
    "https://[::ffff:7f00:1]/",
    "https://[::127.0.0.1]/",
    "https://[::1]/",
    "https://[::]/",
    "https://0.0.0.0/",
    "https://localhost./",
    "https://LOCALHOST/",
    "https://a.localhost/",
    "https://printer.local/",
    "https://169.254.169.254/latest/meta-data",
    "https://[fd00:ec2::254]/",
    "https://[2002:a9fe:a9fe::]/",
    "https://[64:ff9b::a9fe:a9fe]/",
    "https://[fe80::1%25eth0]/",
    "https://metadata.google.internal/computeMetadata/v1/",
    "https://metadata.goog/",
    "https://metadata.tencentyun.com/latest/meta-data/",
    "https://100.64.0.1/",
    "https://100.100.100.200/",
    "https://10.0.0.8/",
    "https://172.16.0.1/",
    "https://192.168.1.1/",
    "https://192.0.0.8/",
    "https://224.0.0.1/",
    "https://255.255.255.255/",
    "https://[ff02::1]/",
    "https://[fec0::1]/",
    "https://1.2.3.08/",
    "https://1.2.3.4.5/",
    "https://user:pass@example.com/",
    "https://@example.com/",
    "http://example.com/",
    "ftp://example.com/",
]


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> Resolver:
    return Resolver(monkeypatch)


def _token(partner: PartnerApp) -> str:
    return str(partner.token(scope="webhooks:manage")["access_token"])


def _api_subscribe(partner: PartnerApp, token: str, url: str):  # type: ignore[no-untyped-def]
    return partner.call(
        "post",
        "/tenants/gd/webhooks",
        token,
        content_type="application/json",
        data={"url": url, "events": ["case.state_changed"]},
    )


def _wrongly_answered_by_the_api(partner: PartnerApp, urls: list[str]) -> list[tuple[str, int, str]]:
    token, wrong = _token(partner), []
    for url in urls:
        response = _api_subscribe(partner, token, url)
        body = response.json()
        if not (
            response.status_code == 422
            and body.get("code") == "webhook_url_invalid"
            and body.get("field") == "url"
            and body.get("message")
        ):
            wrong.append((url, response.status_code, body.get("code", "")))
    return wrong


@override_settings(ONESTOP_WEBHOOK_ALLOW_LOOPBACK=False)
def test_the_api_refuses_every_notation_of_a_target_that_is_not_public(resolver: Resolver) -> None:
    partner = make_partner_app()
    assert _wrongly_answered_by_the_api(partner, REFUSED) == []
    assert not Subscription.objects.filter(app=partner.app).exists()
    assert resolver.asked == []  # refused from the URL alone


@override_settings(ONESTOP_WEBHOOK_ALLOW_LOOPBACK=False)
def test_the_refusal_is_in_the_callers_language(resolver: Resolver) -> None:
    partner = make_partner_app()
    refused = partner.call(
        "post",
        "/tenants/gd/webhooks",
        _token(partner),
        content_type="application/json",
        data={"url": "https://127.1/", "events": ["case.state_changed"]},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert refused.status_code == 422
    assert refused.json() == {
        "code": "webhook_url_invalid",
        "field": "url",
        "message": "Webhook 只能发往公网地址，不能发往内网、本机、保留地址或云元数据服务。",
    }


@override_settings(ONESTOP_WEBHOOK_ALLOW_LOOPBACK=False)
def test_the_developer_page_refuses_them_too(resolver: Resolver) -> None:
    partner = make_partner_app()
    developer = Client(headers={"accept-language": "en"})
    assert login(developer, "13700137100", "Partner-Test-2019").status_code == 302
    wrong = []
    for url in REFUSED:
        page = developer.post(
            f"/developers/apps/{partner.app.client_id}/do",
            {"do": "subscribe", "tenant": "gd", "url": url, "events": ["case.state_changed"]},
        )
        text = page.content.decode()
        if not (
            page.status_code == 422
            and "Error code: webhook_url_invalid" in text
            and "new-webhook-secret" not in text
        ):
            wrong.append((url, page.status_code))
    assert wrong == []
    assert not Subscription.objects.filter(app=partner.app).exists()


@override_settings(ONESTOP_WEBHOOK_ALLOW_LOOPBACK=True)
def test_in_development_loopback_is_allowed_and_nothing_else_that_is_not_public(
    resolver: Resolver,
) -> None:
    partner = make_partner_app()
    refused = [
        "https://0/",
        "http://0.0.0.0:9/",
        "https://[::]/",
        "http://[::ffff:0.0.0.0]:9/",
        "https://169.254.169.254/",
        "https://100.64.0.1/",
        "https://10.0.0.8/",
        "http://8.8.8.8/",
        "https://metadata.google.internal/",
        "https://user:pass@127.0.0.1/",
        "http://no-such-name.partner.example/",
    ]
    assert _wrongly_answered_by_the_api(partner, refused) == []
    assert not Subscription.objects.filter(app=partner.app).exists()
    token = _token(partner)
    written = _api_subscribe(partner, token, "http://0x7f000001:9/hook")
    assert written.status_code == 201 and written.json()["url"] == "http://127.0.0.1:9/hook"


@override_settings(ONESTOP_WEBHOOK_ALLOW_LOOPBACK=False)
def test_a_name_that_resolves_to_an_address_that_is_not_public_is_refused(
    resolver: Resolver,
) -> None:
    resolver.answers = {
        "mixed.partner.example": [[PUBLIC, "10.1.2.3"]],
        "rebind.partner.example": [["127.0.0.1"]],
        "meta.partner.example": [["169.254.169.254"]],
        "v6.partner.example": [["::ffff:169.254.169.254"]],
        "ula.partner.example": [["fd00::5"]],
    }
    partner = make_partner_app()
    urls = [f"https://{name}/hook" for name in resolver.answers]
    assert _wrongly_answered_by_the_api(partner, urls) == []
    assert sorted(resolver.asked) == sorted(resolver.answers)
    assert not Subscription.objects.filter(app=partner.app).exists()


@override_settings(ONESTOP_WEBHOOK_ALLOW_LOOPBACK=False)
def test_a_public_target_is_accepted_in_canonical_form(resolver: Resolver) -> None:
    resolver.answers = {"hooks.partner.example": [[PUBLIC, "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]]}
    partner = make_partner_app()
    token = _token(partner)
    by_name = _api_subscribe(partner, token, "https://Hooks.Partner.Example.:8443/wh?x=1")
    assert by_name.status_code == 201, by_name.content
    assert by_name.json()["url"] == "https://hooks.partner.example:8443/wh?x=1"
    by_number = _api_subscribe(partner, token, "https://134744072/hook")  # 8.8.8.8
    assert by_number.status_code == 201 and by_number.json()["url"] == "https://8.8.8.8/hook"
    stored = set(Subscription.objects.filter(app=partner.app).values_list("url", flat=True))
    assert stored == {"https://hooks.partner.example:8443/wh?x=1", "https://8.8.8.8/hook"}


# --- delivery ------------------------------------------------------------------------------------


def _subscribe(partner: PartnerApp, url: str) -> None:
    grant = partner.app.grants.get(tenant__code="gd")
    actions.do_subscribe(actor=SYSTEM, grant=grant, url=url, events=["case.state_changed"])


def _deliver_an_event(partner: PartnerApp) -> WebhookDelivery:
    event = OutboxEvent.objects.create(
        topic="cases.case.state_changed",
        tenant_code="gd",
        event_id=uuid.uuid4(),
        payload={
            "case": "GD1",
            "item_code": "X",
            "state": "accepted",
            "action": "accept",
            "via_app": partner.app.client_id,
        },
    )
    webhooks.fan_out(event)
    webhooks.deliver_due()
    return WebhookDelivery.objects.get(subscription__app=partner.app)


@pytest.fixture
def ca(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> trustme.CA:
    """A certificate authority the deliveries trust (as a partner's public CA would be)."""
    authority = trustme.CA()
    authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    return authority


def _tls(ca: trustme.CA, name: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(name).configure_cert(context)
    return context


@override_settings(ONESTOP_WEBHOOK_ALLOW_LOOPBACK=True)
def test_a_delivery_connects_to_the_address_it_checked(resolver: Resolver, ca: trustme.CA) -> None:
    name = "hooks.partner.example"
    partner = make_partner_app()
    with (
        Receiver(tls=_tls(ca, name), name=name) as checked,
        Receiver(tls=_tls(ca, name), name=name, address="127.0.0.2", port=checked.port) as elsewhere,
    ):
        resolver.answers = {name: [["127.0.0.1"]]}
        _subscribe(partner, checked.url)
        # At delivery the name's first answer is checked; a second lookup would lead elsewhere.
        resolver.answers, resolver.asked = {name: [["127.0.0.1"], ["127.0.0.2"]]}, []
        delivery = _deliver_an_event(partner)
    assert (delivery.state, delivery.response_status) == ("delivered", 200), delivery.last_error
    assert len(checked.received) == 1 and elsewhere.received == []
    assert resolver.asked == [name]  # looked up once
    # TLS and HTTP still speak to the name: SNI, the certificate's check, the Host header.
    assert checked.server_names == [name]
    assert checked.received[0]["headers"]["Host"] == f"{name}:{checked.port}"


@override_settings(ONESTOP_WEBHOOK_ALLOW_LOOPBACK=True)
def test_the_certificate_is_still_checked_against_the_name(resolver: Resolver, ca: trustme.CA) -> None:
    name = "hooks.partner.example"
    partner = make_partner_app()
    with Receiver(tls=_tls(ca, "other.partner.example"), name=name) as receiver:
        resolver.answers = {name: [["127.0.0.1"]]}
        _subscribe(partner, receiver.url)
        delivery = _deliver_an_event(partner)
    assert delivery.state == "pending" and delivery.response_status is None
    assert "certificate" in delivery.last_error.lower() and receiver.received == []


@override_settings(ONESTOP_WEBHOOK_ALLOW_LOOPBACK=False)
def test_a_delivery_goes_nowhere_when_any_address_of_the_name_is_not_public(
    resolver: Resolver,
) -> None:
    resolver.answers = {"hooks.partner.example": [[PUBLIC], [PUBLIC, "127.0.0.1"]]}
    partner = make_partner_app()
    _subscribe(partner, "https://hooks.partner.example/hook")  # public then: accepted
    delivery = _deliver_an_event(partner)
    assert (delivery.state, delivery.attempts, delivery.last_error) == (
        "pending",
        1,
        "address not allowed",
    )


def test_a_redirect_is_not_followed(resolver: Resolver) -> None:
    partner = make_partner_app()
    with Receiver() as target, Receiver(status=302, headers={"Location": target.url}) as receiver:
        _subscribe(partner, receiver.url)
        delivery = _deliver_an_event(partner)
    assert (delivery.state, delivery.response_status) == ("pending", 302)
    assert len(receiver.received) == 1 and target.received == []
