"""The partner API of the open platform: the token's own view of itself, and webhook
subscriptions and their delivery log (a service module's back office is the cases')."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from onestop.core.actors import Actor
from onestop.core.api import ErrorOut
from onestop.core.apiauth import partner_route
from onestop.identity.access import client_address
from onestop.partners import access, actions
from onestop.partners.access import (
    access_delivery,
    access_subscription,
    deliveries_of,
    subscriptions_of,
)
from onestop.partners.auth import caller_of
from onestop.partners.models import Subscription, WebhookDelivery
from onestop.partners.webhook_events import EVENT_TYPES

router = Router(tags=["partners"])
# 400: a body that is not JSON at all.
ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


class TokenInfoOut(Schema):
    app: str = Field(description="The app's client id.")
    app_name: str
    partner: str
    tenant: str
    scopes: list[str]
    acting_for_citizen: bool
    rate_per_minute: int
    quota_per_day: int


@router.get(
    "/tenants/{tenant}/partner/token",
    response={200: TokenInfoOut, **ERRORS},
    summary="What the calling token is: app, tenant, scopes, limits",
    **partner_route(),
)
def token_info(request: HttpRequest, tenant: str) -> TokenInfoOut:
    caller = caller_of(request)
    return TokenInfoOut(
        app=caller.app.client_id,
        app_name=caller.app.name,
        partner=caller.app.partner.name,
        tenant=caller.tenant.code,
        scopes=sorted(caller.scopes),
        acting_for_citizen=caller.user is not None,
        rate_per_minute=caller.grant.rate_per_minute,
        quota_per_day=caller.grant.quota_per_day,
    )


# --- webhooks ----------------------------------------------------------------------------------------

MANAGE = partner_route("webhooks:manage", citizen=False)


class SubscriptionIn(Schema):
    url: str = Field(
        max_length=500,
        description=(
            "A public https URL, without user name or password, whose host is not, and does not resolve to, a "
            "private, loopback, link-local, unspecified, shared, reserved, multicast or cloud metadata address "
            "(in any notation); else 422 webhook_url_invalid. Answered in canonical form."
        ),
    )
    events: list[str] = Field(description=f"Any of: {', '.join(EVENT_TYPES)}.", max_length=10)


class SubscriptionOut(Schema):
    id: int
    url: str
    events: list[str]
    created_at: datetime


class NewSubscriptionOut(SubscriptionOut):
    secret: str = Field(description="The signing secret, shown this once.")


class DeliveryOut(Schema):
    id: int
    subscription: int
    event_id: UUID
    event_type: str
    state: str
    attempts: int
    response_status: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None
    replay_of: int | None


class DeliveryFilters(Schema):
    state: str | None = Field(default=None, max_length=16)
    limit: int = Field(default=50, ge=1, le=200)


def _subscription_out(subscription: Subscription) -> dict[str, Any]:
    return {
        "id": subscription.pk,
        "url": subscription.url,
        "events": subscription.events,
        "created_at": subscription.created_at,
    }


def _delivery_out(delivery: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": delivery.pk,
        "subscription": delivery.subscription_id,
        "event_id": delivery.event_id,
        "event_type": delivery.event_type,
        "state": delivery.state,
        "attempts": delivery.attempts,
        "response_status": delivery.response_status,
        "last_error": delivery.last_error,
        "created_at": delivery.created_at,
        "delivered_at": delivery.delivered_at,
        "replay_of": delivery.replay_of_id,
    }


@router.get(
    "/tenants/{tenant}/webhooks",
    response={200: list[SubscriptionOut], **ERRORS},
    summary="The app's webhook subscriptions",
    **MANAGE,
)
def list_subscriptions(request: HttpRequest, tenant: str) -> list[dict[str, Any]]:
    caller = caller_of(request)
    return [_subscription_out(s) for s in subscriptions_of(caller.tenant, caller.app)[:100]]


@router.post(
    "/tenants/{tenant}/webhooks",
    response={201: NewSubscriptionOut, **ERRORS},
    summary="Subscribe a URL to events",
    **MANAGE,
)
def subscribe(request: HttpRequest, tenant: str, payload: SubscriptionIn) -> Status[dict[str, Any]]:
    caller = caller_of(request)
    subscription, secret = actions.do_subscribe(
        actor=_actor(request), grant=caller.grant, url=payload.url, events=payload.events
    )
    return Status(201, {**_subscription_out(subscription), "secret": secret})


@router.delete(
    "/tenants/{tenant}/webhooks/{subscription_id}",
    response={204: None, **ERRORS},
    summary="End a subscription",
    **MANAGE,
)
def unsubscribe(request: HttpRequest, tenant: str, subscription_id: int) -> Status[None]:
    caller = caller_of(request)
    subscription = access_subscription(caller.tenant, caller.app, subscription_id)
    actions.do_unsubscribe(actor=_actor(request), subscription=subscription)
    return Status(204, None)


@router.get(
    "/tenants/{tenant}/webhook-deliveries",
    response={200: list[DeliveryOut], **ERRORS},
    summary="The delivery log, newest first",
    **MANAGE,
)
def list_deliveries(
    request: HttpRequest, tenant: str, filters: Query[DeliveryFilters]
) -> list[dict[str, Any]]:
    caller = caller_of(request)
    deliveries = deliveries_of(caller.tenant, caller.app)
    if filters.state:
        deliveries = deliveries.filter(state=filters.state)
    return [_delivery_out(d) for d in deliveries[: filters.limit]]


@router.post(
    "/tenants/{tenant}/webhook-deliveries/{delivery_id}/replay",
    response={202: DeliveryOut, **ERRORS},
    summary="Send a delivery's event again (same event id)",
    **MANAGE,
)
def replay(request: HttpRequest, tenant: str, delivery_id: int) -> Status[dict[str, Any]]:
    caller = caller_of(request)
    delivery = access_delivery(caller.tenant, caller.app, delivery_id)
    return Status(202, _delivery_out(actions.do_replay(actor=_actor(request), delivery=delivery)))


def _actor(request: HttpRequest) -> Actor:
    caller = caller_of(request)
    return access.app_actor(caller.app, client_address(request))
