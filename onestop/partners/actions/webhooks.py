"""Webhook subscriptions, and a delivery sent again."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils.translation import gettext_lazy as _

from onestop.core import databases
from onestop.core.actors import Actor
from onestop.core.audit import record_action
from onestop.core.crypto import encrypt
from onestop.core.errors import NotFound, ValidationFailed
from onestop.partners import secrets, webhook_targets
from onestop.partners.audit import PartnersAudit
from onestop.partners.error_codes import PartnerErrorCode
from onestop.partners.models import (
    AppGrant,
    Subscription,
    WebhookDelivery,
)
from onestop.partners.webhook_events import EVENT_TYPES
from onestop.partners.webhooks import wake_deliveries


def _events(values: Iterable[str]) -> list[str]:
    chosen = sorted({v.strip() for v in values if v.strip()})
    unknown = [v for v in chosen if v not in EVENT_TYPES]
    if not chosen or unknown:
        message = _("Choose events from: %(known)s.") % {"known": ", ".join(EVENT_TYPES)}
        raise ValidationFailed(PartnerErrorCode.EVENT_UNKNOWN, message, field="events")
    return chosen


def do_subscribe(
    *, actor: Actor, grant: AppGrant, url: str, events: Sequence[str]
) -> tuple[Subscription, str]:
    """A webhook subscription of the app in the grant's tenant, with its signing secret."""
    # Refused before any write: a URL that is, or resolves to, an address that is not public.
    target, chosen = webhook_targets.subscription_url(url), _events(events)
    secret = secrets.generate(secrets.WEBHOOK_SECRET, 24)
    with databases.action():
        subscription = Subscription.objects.create(
            tenant=grant.tenant, app=grant.app, url=target, events=chosen, secret_encrypted=encrypt(secret)
        )
        record_action(
            actor=actor,
            action=PartnersAudit.SUBSCRIBE,
            tenant_code=grant.tenant.code,
            object_type="subscription",
            object_id=str(subscription.pk),
            detail={"app": grant.app.client_id, "events": chosen},
        )
    return subscription, secret


def do_unsubscribe(*, actor: Actor, subscription: Subscription) -> None:
    with databases.action():
        Subscription.objects.filter(pk=subscription.pk).update(active=False)
        WebhookDelivery.objects.filter(subscription=subscription, state="pending").update(
            state="failed", last_error="unsubscribed"
        )
        record_action(
            actor=actor,
            action=PartnersAudit.UNSUBSCRIBE,
            tenant_code=subscription.tenant.code,
            object_type="subscription",
            object_id=str(subscription.pk),
        )


def do_replay(*, actor: Actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send an event again: a new delivery with the same event id and body."""
    if not delivery.subscription.active:
        raise NotFound(PartnerErrorCode.SUBSCRIPTION_NOT_FOUND, _("No such subscription."))
    with databases.action():
        replay = WebhookDelivery.objects.create(
            tenant=delivery.tenant,
            subscription=delivery.subscription,
            event_id=delivery.event_id,
            event_type=delivery.event_type,
            payload=delivery.payload,
            replay_of=delivery,
        )
        databases.on_commit(wake_deliveries)  # sent now, not at the next retry of another
        record_action(
            actor=actor,
            action=PartnersAudit.REPLAY,
            tenant_code=delivery.tenant.code,
            object_type="webhook_delivery",
            object_id=str(delivery.pk),
        )
    return replay
