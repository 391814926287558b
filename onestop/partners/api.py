"""The partner API of the open platform: the token's own view of itself, webhook
subscriptions and their delivery log, and the back office of service modules."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from onestop.cases.access import access_case_for_module, as_of, cases_of_module, with_law
from onestop.cases.actions import OFFICER_TRANSITIONS, do_module_transition
from onestop.cases.api import CaseOut, case_out
from onestop.cases.lifecycle import Transition
from onestop.core.actors import Actor
from onestop.core.api import ErrorOut
from onestop.core.apiauth import partner_route
from onestop.core.errors import ValidationFailed
from onestop.identity.access import client_address
from onestop.partners import actions
from onestop.partners.access import (
    access_delivery,
    access_subscription,
    deliveries_of,
    subscriptions_of,
)
from onestop.partners.auth import caller_of
from onestop.partners.error_codes import PartnerErrorCode
from onestop.partners.events import EVENT_TYPES
from onestop.partners.models import Subscription, WebhookDelivery

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
    return actions.app_actor(caller.app, client_address(request))


# --- service modules --------------------------------------------------------------------------------

PROCESS = partner_route("cases:process", citizen=False)


class ModuleCaseDetailOut(CaseOut):
    answers: dict[str, Any] = Field(description="The applicant's answers to the item's form.")
    materials: list[dict[str, Any]]


class ModuleCaseFilters(Schema):
    state: str | None = Field(default=None, max_length=24)
    limit: int = Field(default=50, ge=1, le=200)


class StepIn(Schema):
    transition: str = Field(description=", ".join(t.value for t in sorted(OFFICER_TRANSITIONS)))
    comment: str = Field(max_length=1000)
    decision: str = Field(default="", max_length=16, description="approved or rejected, for decide.")
    missing: list[str] = Field(default=[], max_length=50, description="For request_correction.")
    redirect_to: str = Field(default="", max_length=200, description="For not_accept.")


@router.get(
    "/tenants/{tenant}/module/cases",
    response={200: list[CaseOut], **ERRORS},
    summary="Cases the app's back office handles",
    **PROCESS,
)
def module_cases(
    request: HttpRequest, tenant: str, filters: Query[ModuleCaseFilters]
) -> list[dict[str, Any]]:
    caller = caller_of(request)
    today = timezone.localdate()
    cases = with_law(cases_of_module(caller.tenant, caller.app.client_id), today)
    if filters.state:
        cases = cases.filter(law_state=filters.state)
    return [case_out(c) for c in as_of(cases[: filters.limit], today)]


@router.get(
    "/tenants/{tenant}/module/cases/{number}",
    response={200: ModuleCaseDetailOut, **ERRORS},
    summary="One case with its answers and materials",
    **PROCESS,
)
def module_case(request: HttpRequest, tenant: str, number: str) -> dict[str, Any]:
    caller = caller_of(request)
    case = access_case_for_module(caller.tenant, caller.app.client_id, number)
    materials = [
        {
            "order": m.order,
            "name": m.name,
            "uploaded": m.upload_id is not None,
            "certificate": m.certificate_id,
            "fetch_consented": m.fetch_consented,
        }
        for m in case.materials.order_by("order")
    ]
    return {**case_out(case), "answers": case.data, "materials": materials}


@router.post(
    "/tenants/{tenant}/module/cases/{number}/steps",
    response={200: CaseOut, **ERRORS},
    summary="Take a step on a case: accept, ask for corrections, decide, conclude ...",
    **PROCESS,
)
def module_step(request: HttpRequest, tenant: str, number: str, payload: StepIn) -> dict[str, Any]:
    caller = caller_of(request)
    case = access_case_for_module(caller.tenant, caller.app.client_id, number)
    if payload.transition not in {t.value for t in OFFICER_TRANSITIONS}:
        raise ValidationFailed(
            PartnerErrorCode.TRANSITION_UNKNOWN,
            _("Unknown step: %(step)s.") % {"step": payload.transition[:40]},
            field="transition",
        )
    transition = Transition(payload.transition)
    case = do_module_transition(
        actor=_actor(request),
        app_client_id=caller.app.client_id,
        case=case,
        transition=transition,
        comment=payload.comment,
        decision=payload.decision,
        missing=payload.missing,
        redirect_to=payload.redirect_to,
    )
    return case_out(case)
