"""Webhook deliveries: from the outbox to partners' URLs, signed, at least once.

The outbox relay calls ``fan_out`` for each event: one delivery per subscription that
may hear of it (a unique event id per subscription, so a second relay of the same event
adds nothing). ``deliver_due`` posts what is due; a failure is retried with exponential
backoff up to ``MAX_ATTEMPTS`` times. Each request carries

- ``Onestop-Event-Id``: the same for every delivery and replay of one event (drop
  duplicates by it);
- ``Onestop-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`` under the
  subscription's secret. Receivers check the MAC and that ``t`` is recent.

Where a delivery may go is ``webhook_targets``' rule, checked at subscription and again
at each delivery, on the addresses the connection then uses.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import ssl
import time
import uuid
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone

from onestop.cases.events import CASE_STATE_CHANGED
from onestop.core import databases
from onestop.core.crypto import decrypt
from onestop.core.events import consumer
from onestop.core.models import OutboxEvent
from onestop.partners import webhook_targets
from onestop.partners.models import App, DeliveryState, Subscription, WebhookDelivery
from onestop.partners.webhook_events import audience, partner_events
from onestop.tenancy.access import tenant_of_event

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
BATCH = 100
PARALLEL = 8
TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def signature_is_valid(secret: str, header: str, body: bytes, *, now: float | None = None) -> bool:
    """What a receiver does: parse the header, recompute, compare in constant time, and
    refuse timestamps more than five minutes away (replayed captures)."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


@consumer(CASE_STATE_CHANGED, name="partners.webhooks")
def fan_out_and_deliver(event: OutboxEvent) -> bool:
    """The partner apps that may know of the case get webhooks, posted by the delivery
    task (one chain of it is enough)."""
    if fan_out(event):
        wake_deliveries()
    return True


def wake_deliveries() -> None:
    """A delivery waits that may go now: a run of the delivery task that may start now
    (one set for later, to retry another delivery, would hold this one up)."""
    from onestop.core.tasks import wake
    from onestop.partners.tasks import deliver_webhooks

    wake(deliver_webhooks)


def fan_out(event: OutboxEvent) -> bool:
    """Deliveries for an outbox event (idempotent: a second run finds the first's);
    whether the event has any."""
    made = partner_events(event.topic, dict(event.payload))
    apps = audience(dict(event.payload))
    if not made or not apps:
        return False
    tenant = tenant_of_event(event.tenant_code)
    if tenant is None:
        return False
    delivered = False
    app_ids = list(App.objects.filter(client_id__in=apps).values_list("id", flat=True))
    subscriptions = Subscription.objects.filter(tenant=tenant, active=True, app_id__in=app_ids)
    for subscription in subscriptions:
        for index, (event_type, data) in enumerate(made):
            if event_type not in subscription.events:
                continue
            delivered = True
            # One outbox event may make two partner events; each has its own stable id.
            event_id = event.event_id if index == 0 else uuid.uuid5(event.event_id, event_type)
            payload = {
                "id": str(event_id),
                "type": event_type,
                "tenant": tenant.code,
                "created_at": event.created_at.isoformat(),
                "data": data,
            }
            try:
                with databases.atomic():
                    WebhookDelivery.objects.create(
                        tenant=tenant,
                        subscription=subscription,
                        event_id=event_id,
                        event_type=event_type,
                        payload=payload,
                    )
            except IntegrityError:
                pass  # fanned out before
    return delivered


def _post(delivery: WebhookDelivery, context: ssl.SSLContext) -> tuple[int | None, str]:
    subscription = delivery.subscription
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    # Checked again at delivery: the host's addresses now, not when subscribing; and the
    # connection goes to exactly the addresses checked.
    try:
        target = webhook_targets.parse(subscription.url)
        addresses = webhook_targets.resolve(target)
    except webhook_targets.TargetRefused:
        return None, "address not allowed"
    except OSError:
        return None, "host not found"
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "onestop-webhooks/1",
        "Connection": "close",
        "Onestop-Event-Id": str(delivery.event_id),
        "Onestop-Event-Type": delivery.event_type,
        "Onestop-Delivery": str(delivery.pk),
        "Onestop-Signature": sign(decrypt(subscription.secret_encrypted), timestamp, body),
    }
    connection = webhook_targets.connection(
        target, addresses, context=context, timeout=settings.ONESTOP_WEBHOOK_TIMEOUT_SECONDS
    )
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        with connection.getresponse() as response:
            status = response.status
    except (OSError, http.client.HTTPException) as error:
        return None, (str(error) or type(error).__name__)[:200]
    finally:
        connection.close()
    # A redirect is an answer, not an instruction (it could point anywhere): not followed.
    return status, "" if 200 <= status < 300 else f"HTTP {status}"


def deliver_due(limit: int = BATCH) -> int:
    """Post the deliveries that are due; returns how many were delivered."""
    delivered = 0
    due = list(
        WebhookDelivery.objects.platform_wide()  # the database's queue, every tenant's
        .filter(state=DeliveryState.PENDING, next_attempt_at__lte=timezone.now())
        .select_related("subscription")
        .order_by("next_attempt_at", "id")[:limit]
    )
    if not due:
        return 0
    # Certificates are checked against the system's trust store (SSL_CERT_FILE, if set).
    context = ssl.create_default_context()
    # Posting waits on partners' servers: in parallel, so that a slow one delays no other.
    # Each outcome is saved as soon as its answer comes: a crash re-sends only the
    # deliveries still waiting for theirs.
    with ThreadPoolExecutor(max_workers=min(PARALLEL, len(due))) as pool:
        posts = {pool.submit(_post, delivery, context=context): delivery for delivery in due}
        for done in as_completed(posts):
            delivered += _record(posts[done], *done.result())
    return delivered


def _record(delivery: WebhookDelivery, status: int | None, error: str) -> int:
    """Save one delivery's outcome; 1 when it was delivered."""
    delivery.attempts += 1
    delivery.response_status = status
    if status is not None and 200 <= status < 300:
        delivery.state, delivery.delivered_at, delivery.last_error = (
            DeliveryState.DELIVERED,
            timezone.now(),
            "",
        )
        delivery.save()
        return 1
    delivery.last_error = error
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.state = DeliveryState.FAILED
    else:
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=10 * 2**delivery.attempts)
    delivery.save()
    return 0


def next_due() -> datetime | None:
    """When the next pending delivery is due, if any is pending."""
    return (
        WebhookDelivery.objects.platform_wide()
        .filter(state=DeliveryState.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
