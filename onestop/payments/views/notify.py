"""The channels' notification endpoints: a notification is verified, stored and applied
in one transaction, then acknowledged; anything not verified is refused (the channel,
if it was the channel, sends it again) and logged, and changes nothing."""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from onestop.core.actors import Actor
from onestop.core.errors import OnestopError
from onestop.core.metrics import counter
from onestop.payments.channels import Answer, NotificationRejected, enabled_channel
from onestop.payments.reported import apply_reported
from onestop.tenancy.access import access_tenant_by_code

logger = logging.getLogger(__name__)
REJECTED_TOTAL = counter(
    "onestop_payments_notifications_rejected_total",
    "Payment notifications refused before they were believed (bad signature, stale, another merchant …)",
    ["channel", "reason"],
)
MAX_BODY = 64 * 1024


def _answer(answer: Answer) -> HttpResponse:
    return HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)


@csrf_exempt  # the channel signs what it sends; there is no session to ride
@require_POST
def notify(request: HttpRequest, tenant: str, channel: str) -> HttpResponse:
    owner = access_tenant_by_code(tenant)
    plugin = enabled_channel(channel)
    if plugin is None:
        raise Http404
    if len(request.body) > MAX_BODY:
        REJECTED_TOTAL.labels(plugin.identifier, "too_large").inc()
        return _answer(plugin.refused("too large"))
    try:
        payment = plugin.verify_notification(request.headers, request.body)
    except NotificationRejected as rejected:
        if rejected.reason == "not_a_payment":  # genuine, of something else: heard, left
            return _answer(plugin.accepted())
        REJECTED_TOTAL.labels(plugin.identifier, rejected.reason).inc()
        logger.warning(
            "%s notification for %s refused: %s (from %s)",
            plugin.identifier,
            owner.code,
            rejected,
            request.META.get("REMOTE_ADDR", ""),
        )
        return _answer(plugin.refused(rejected.reason))
    if payment.tenant_code != owner.code:
        REJECTED_TOTAL.labels(plugin.identifier, "wrong_tenant").inc()
        logger.warning(
            "%s notification for %s's order %s refused at %s's address",
            plugin.identifier,
            payment.tenant_code,
            payment.order_number,
            owner.code,
        )
        return _answer(plugin.refused("wrong_tenant"))
    try:
        apply_reported(
            actor=Actor.system(f"{plugin.identifier} notification"),
            tenant=owner,
            channel=plugin.identifier,
            payment=payment,
        )
    except OnestopError as error:
        REJECTED_TOTAL.labels(plugin.identifier, "malformed").inc()
        logger.error("%s notification for %s not applied: %s", plugin.identifier, owner.code, error.code)
        return _answer(plugin.refused(str(error.code)))
    return _answer(plugin.accepted())
