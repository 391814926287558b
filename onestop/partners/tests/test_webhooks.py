"""Webhook deliveries: only to apps that may know of the case, retried with backoff,
replayed with the same event id, never to addresses that are not allowed."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from onestop.cases.models import Case
from onestop.cases.tests.helpers import CITIZEN, apply, logged_in, rs_person_item
from onestop.core.errors import ValidationFailed
from onestop.core.models import OutboxEvent
from onestop.partners import actions, webhook_targets, webhooks
from onestop.partners.models import WebhookDelivery
from onestop.partners.tests.helpers import SYSTEM, Receiver, make_partner_app, operator
from onestop.partners.webhook_events import partner_events

pytestmark = pytest.mark.django_db


def _subscribe(partner, url: str, events: list[str] | None = None) -> str:  # type: ignore[no-untyped-def]
    grant = partner.app.grants.get(tenant__code="gd")
    _subscription, secret = actions.do_subscribe(
        actor=SYSTEM, grant=grant, url=url, events=events or ["case.state_changed"]
    )
    return secret


def _fan_out_latest() -> None:
    for event in OutboxEvent.objects.filter(topic="cases.case.state_changed").order_by("-id")[:5]:
        webhooks.fan_out(event)


def test_an_app_hears_only_of_cases_it_may_know_of() -> None:
    module, bystander = make_partner_app(0, service_module=True), make_partner_app(1)
    item = rs_person_item().code
    actions.do_install_module(
        actor=SYSTEM, operator=operator(), grant=module.app.grants.get(tenant__code="gd"), item_codes=[item]
    )
    with Receiver() as receiver:
        _subscribe(module, receiver.url)
        _subscribe(bystander, receiver.url.replace("/hook", "/other"))
        number = apply(logged_in(CITIZEN), item)
        _fan_out_latest()
        assert webhooks.deliver_due() == 1
    assert [r["path"] for r in receiver.received] == ["/hook"]
    assert receiver.events()[0]["data"]["case"] == number


def test_failures_are_retried_with_backoff_and_replays_keep_the_event_id() -> None:
    module = make_partner_app(service_module=True)
    item = rs_person_item().code
    actions.do_install_module(
        actor=SYSTEM, operator=operator(), grant=module.app.grants.get(tenant__code="gd"), item_codes=[item]
    )
    with Receiver(status=500) as receiver:
        _subscribe(module, receiver.url)
        apply(logged_in(CITIZEN), item)
        _fan_out_latest()
        assert webhooks.deliver_due() == 0
        delivery = WebhookDelivery.objects.get(subscription__app=module.app)
        assert (delivery.state, delivery.attempts, delivery.response_status) == ("pending", 1, 500)
        assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=10)
        assert webhooks.deliver_due() == 0 and len(receiver.received) == 1  # not due yet
        for _ in range(webhooks.MAX_ATTEMPTS):
            WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
            webhooks.deliver_due()
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts) == ("failed", webhooks.MAX_ATTEMPTS)

        receiver.status = 204
        replay = actions.do_replay(actor=SYSTEM, delivery=delivery)
        assert webhooks.deliver_due() == 1
        replay.refresh_from_db()
        assert replay.state == "delivered" and replay.event_id == delivery.event_id
        ids = {r["headers"]["Onestop-Event-Id"] for r in receiver.received}
        assert ids == {str(delivery.event_id)}


def test_a_certificate_issued_event_has_its_own_id() -> None:
    partner = make_partner_app()
    _subscribe(partner, "http://127.0.0.1:9/hook", ["case.state_changed", "certificate.issued"])
    event = OutboxEvent.objects.create(
        topic="cases.case.state_changed",
        tenant_code="gd",
        event_id=uuid.uuid4(),
        payload={
            "case": "GD1",
            "item_code": "X",
            "state": "certificate_issued",
            "action": "issue_certificate",
            "via_app": partner.app.client_id,
        },
    )
    assert [t for t, _data in partner_events(event.topic, event.payload)] == [
        "case.state_changed",
        "certificate.issued",
    ]
    webhooks.fan_out(event)
    made = {d.event_type: d.event_id for d in WebhookDelivery.objects.filter(subscription__app=partner.app)}
    assert made["case.state_changed"] == event.event_id
    assert made["certificate.issued"] not in (event.event_id, None)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x",
        "https://10.0.0.8/hook",
        "https://169.254.169.254/latest",
        "https://user:pw@example.com/",
        "not a url",
    ],
)
def test_webhook_urls_that_are_not_allowed(url: str) -> None:
    partner = make_partner_app()
    with pytest.raises(ValidationFailed) as refused:
        _subscribe(partner, url)
    assert refused.value.code == "webhook_url_invalid"


@override_settings(ONESTOP_WEBHOOK_ALLOW_LOOPBACK=False)
def test_loopback_is_refused_in_production_even_if_it_was_subscribed_before() -> None:
    partner = make_partner_app()
    with pytest.raises(ValidationFailed):
        _subscribe(partner, "http://127.0.0.1:9/hook")
    with pytest.raises(ValidationFailed):
        _subscribe(partner, "https://localhost/hook")
    with pytest.raises(webhook_targets.TargetRefused):  # what a delivery checks
        webhook_targets.resolve(webhook_targets.parse("https://127.0.0.1/hook"))


def test_the_relay_fans_out_a_case_event_once() -> None:
    module = make_partner_app(service_module=True)
    item = rs_person_item().code
    actions.do_install_module(
        actor=SYSTEM, operator=operator(), grant=module.app.grants.get(tenant__code="gd"), item_codes=[item]
    )
    with Receiver() as receiver:
        _subscribe(module, receiver.url)
        number = apply(logged_in(CITIZEN), item)
        _fan_out_latest()
        _fan_out_latest()
    assert WebhookDelivery.objects.filter(payload__data__case=number).count() == 1
    assert Case.objects.get(number=number).handled_by_app == module.app.client_id


@override_settings(ONESTOP_WEBHOOK_TIMEOUT_SECONDS=0.5)
def test_a_slow_partner_server_delays_no_other() -> None:
    slow_app, fast_app = make_partner_app(0, service_module=True), make_partner_app(1)
    item = rs_person_item().code
    actions.do_install_module(
        actor=SYSTEM, operator=operator(), grant=slow_app.app.grants.get(tenant__code="gd"), item_codes=[item]
    )
    with Receiver(delay=2.0) as slow, Receiver() as fast:
        _subscribe(slow_app, slow.url)
        _subscribe(fast_app, fast.url)
        apply(logged_in(CITIZEN), item)
        # The case is also one the fast app applied for: both apps may hear of it.
        event = OutboxEvent.objects.filter(topic="cases.case.state_changed").latest("id")
        OutboxEvent.objects.filter(pk=event.pk).update(
            payload={**event.payload, "via_app": fast_app.app.client_id}
        )
        _fan_out_latest()
        assert webhooks.deliver_due() == 1
        assert len(fast.received) == 1
    states = dict(WebhookDelivery.objects.values_list("subscription__app__client_id", "state"))
    assert states == {slow_app.app.client_id: "pending", fast_app.app.client_id: "delivered"}
    slow_delivery = WebhookDelivery.objects.get(subscription__app=slow_app.app)
    assert slow_delivery.attempts == 1 and "timed out" in slow_delivery.last_error
