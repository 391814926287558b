"""A fair queue: runs are taken in the order they became due (a run for now does not
wait behind retries that became due after it, and a stream of runs for now does not
starve a due retry), retries do not pile up, a long relay takes turns, a replay is sent
at once, and each delivery's outcome is saved as it comes."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from onestop.cases.tests.helpers import CITIZEN, apply, logged_in, rs_person_item
from onestop.core import tasks
from onestop.core.models import OutboxEvent
from onestop.core.tasks import RETRY_DELAY, come_back, enqueue_now, relay_outbox
from onestop.partners import actions, webhooks
from onestop.partners.models import WebhookDelivery
from onestop.partners.tasks import deliver_webhooks, forget_rate_windows
from onestop.partners.tests.helpers import SYSTEM, Receiver, make_partner_app, operator

pytestmark = pytest.mark.django_db


def _taken_in_turn() -> list[str]:
    """The paths of the runs a worker takes next, in order (each done as taken)."""
    taken = []
    while (run := DBTaskResult.objects.ready().first()) is not None:
        taken.append(run.task_path.rsplit(".", 1)[1])
        DBTaskResult.objects.filter(pk=run.pk).update(status="SUCCESSFUL")
    return taken


def test_runs_are_taken_in_the_order_they_became_due() -> None:
    DBTaskResult.objects.all().delete()
    come_back(deliver_webhooks, timedelta(seconds=20))  # a delivery's retry
    come_back(forget_rate_windows, timedelta(minutes=10))  # a recurring task's next round
    DBTaskResult.objects.filter(task_path=deliver_webhooks.module_path).update(
        run_after=timezone.now() - timedelta(minutes=1)  # its time has come
    )
    for _ in range(3):  # a stream of relay runs for now, asked after it became due
        enqueue_now(relay_outbox)
    # The due retry is not starved by the runs for now behind it; the round not yet due waits.
    assert _taken_in_turn() == ["deliver_webhooks", "relay_outbox", "relay_outbox", "relay_outbox"]

    come_back(relay_outbox, RETRY_DELAY)  # a channel in trouble: the relay's retry, not due
    enqueue_now(deliver_webhooks)  # a webhook to deliver now
    assert _taken_in_turn() == ["deliver_webhooks"]


def test_retries_do_not_pile_up() -> None:
    DBTaskResult.objects.all().delete()
    for _ in range(5):
        come_back(relay_outbox, RETRY_DELAY)
    waiting = DBTaskResult.objects.filter(task_path=relay_outbox.module_path, status="READY")
    assert waiting.count() == 1 and waiting.get().run_after > timezone.now()


def test_a_long_relay_takes_turns(monkeypatch: pytest.MonkeyPatch) -> None:
    apply(logged_in(CITIZEN), rs_person_item().code)
    pending = OutboxEvent.objects.filter(relayed_at__isnull=True)
    assert pending.exists()
    DBTaskResult.objects.all().delete()
    monkeypatch.setattr(tasks, "RELAY_SLICE", timedelta(0))  # the slice is used up at once
    assert relay_outbox.call() == 0
    assert pending.exists()  # left for the next turn, which waits in the queue behind others
    assert DBTaskResult.objects.ready().filter(task_path=relay_outbox.module_path).count() == 1
    monkeypatch.setattr(tasks, "RELAY_SLICE", timedelta(seconds=30))
    assert relay_outbox.call() > 0 and not pending.exists()


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
        come_back(deliver_webhooks, timedelta(minutes=5))  # another delivery's retry
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
