"""A fair queue: a run that may start now goes before every delayed retry, retries do not
pile up, a replay is sent at once, and each delivery's outcome is saved as it comes."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from onestop.cases.tests.helpers import CITIZEN, apply, logged_in, rs_person_item
from onestop.core.models import OutboxEvent
from onestop.core.tasks import RETRY_DELAY, come_back, relay_outbox
from onestop.partners import actions, webhooks
from onestop.partners.models import WebhookDelivery
from onestop.partners.tasks import deliver_webhooks, forget_rate_windows
from onestop.partners.tests.helpers import SYSTEM, Receiver, make_partner_app, operator

pytestmark = pytest.mark.django_db


def test_a_run_that_may_start_now_goes_before_every_delayed_retry() -> None:
    DBTaskResult.objects.all().delete()
    come_back(relay_outbox, RETRY_DELAY)  # a channel in trouble: the relay's retry
    come_back(forget_rate_windows, timedelta(minutes=10))  # a recurring task's next round
    DBTaskResult.objects.update(run_after=timezone.now() - timedelta(minutes=1))  # both due by now
    deliver_webhooks.enqueue()  # a webhook to deliver now
    first = DBTaskResult.objects.ready().first()  # what a worker takes next
    assert first is not None and first.task_path == deliver_webhooks.module_path


def test_retries_do_not_pile_up() -> None:
    DBTaskResult.objects.all().delete()
    for _ in range(5):
        come_back(relay_outbox, RETRY_DELAY)
    waiting = DBTaskResult.objects.filter(task_path=relay_outbox.module_path, status="READY")
    assert waiting.count() == 1 and waiting.get().priority < 0


def _failed_delivery() -> tuple[WebhookDelivery, Receiver]:
    module = make_partner_app(service_module=True)
    item = rs_person_item().code
    grant = module.app.grants.get(tenant__code="gd")
    actions.do_install_module(actor=SYSTEM, operator=operator(), grant=grant, item_codes=[item])
    receiver = Receiver(status=500)
    receiver.__enter__()
    actions.do_subscribe(actor=SYSTEM, grant=grant, url=receiver.url, events=["case.state_changed"])
    apply(logged_in(CITIZEN), item)
    for event in OutboxEvent.objects.filter(topic="cases.case.state_changed").order_by("-id")[:5]:
        webhooks.fan_out(event)
    return WebhookDelivery.objects.get(subscription__app=module.app), receiver


def test_a_replay_is_sent_now_not_at_another_deliverys_retry(
    django_capture_on_commit_callbacks: Any,
) -> None:
    delivery, receiver = _failed_delivery()
    try:
        webhooks.deliver_due()  # fails: its retry is set for later
        DBTaskResult.objects.all().delete()
        deliver_webhooks.using(run_after=timezone.now() + timedelta(minutes=5), priority=-10).enqueue()
        with django_capture_on_commit_callbacks(execute=True):
            actions.do_replay(actor=SYSTEM, delivery=delivery)
        due_now = DBTaskResult.objects.ready().filter(task_path=deliver_webhooks.module_path)
        assert due_now.count() == 1
    finally:
        receiver.__exit__(None, None, None)


def test_each_outcome_is_saved_as_it_comes(monkeypatch: pytest.MonkeyPatch) -> None:
    first, receiver = _failed_delivery()
    receiver.__exit__(None, None, None)
    second = WebhookDelivery.objects.create(
        tenant=first.tenant,
        subscription=first.subscription,
        event_id=uuid.uuid4(),
        event_type=first.event_type,
        payload=first.payload,
    )
    WebhookDelivery.objects.filter(pk__in=[first.pk, second.pk]).update(next_attempt_at=timezone.now())
    first_saved = threading.Event()
    record = webhooks._record

    def saved(delivery: WebhookDelivery, status: int | None, error: str) -> int:
        done = record(delivery, status, error)
        first_saved.set()
        return done

    def post(delivery: WebhookDelivery, *, context: object) -> tuple[int | None, str]:
        if delivery.pk == second.pk:  # the worker dies while this one waits for its answer
            assert first_saved.wait(10)
            raise SystemExit("killed")
        return 204, ""

    monkeypatch.setattr(webhooks, "_record", saved)
    monkeypatch.setattr(webhooks, "_post", post)
    with pytest.raises(SystemExit):
        webhooks.deliver_due()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == "delivered" and second.state == "pending" and second.attempts == 0
