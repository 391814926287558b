"""Orders the channel sent no word of, asked about (``tasks.sweep_payment_orders``)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from onestop.core.actors import Actor
from onestop.payments.actions import do_close_payment_order
from onestop.payments.channels import ChannelUnavailable, enabled_channel
from onestop.payments.models import BillState, OrderState, PaymentOrder
from onestop.payments.reported import apply_reported

logger = logging.getLogger(__name__)


@dataclass
class SweepRun:
    applied: int = 0
    closed: int = 0
    more: bool = False


def sweep(*, actor: Actor, stop_at: float, batch: int, quiet_for: timedelta) -> SweepRun:
    """One pass over the open orders of this database quiet for ``quiet_for``, oldest
    first, until ``stop_at`` (``time.monotonic``)."""
    run = SweepRun()
    now = timezone.now()
    quiet = now - quiet_for
    orders = list(
        PaymentOrder.objects.platform_wide()
        .filter(state=OrderState.OPEN, created_at__lt=quiet)
        .filter(Q(queried_at__isnull=True) | Q(queried_at__lt=quiet))
        .select_related("bill", "tenant")
        .order_by("created_at")[: batch + 1]
    )
    run.more = len(orders) > batch
    for order in orders[:batch]:
        if time.monotonic() >= stop_at:
            run.more = True
            break
        try:
            outcome = settle(actor=actor, order=order)
        except Exception:  # one order's trouble (a tenant moving, a bad answer) holds up no other
            logger.exception("payment order %s could not be settled", order.number)
            continue
        run.applied += outcome == "applied"
        run.closed += outcome == "closed"
    return run


def settle(*, actor: Actor, order: PaymentOrder) -> str:
    """Ask the channel about one open order and act on its answer: ``applied`` (it was
    paid), ``closed`` (it can no longer be paid), ``open`` (the payer may still pay) or
    ``unanswered``."""
    channel = enabled_channel(order.channel)
    PaymentOrder.objects.filter(tenant_id=order.tenant_id, pk=order.pk).update(queried_at=timezone.now())
    if channel is None:
        logger.warning("payment order %s is of channel %s, which is not enabled", order.number, order.channel)
        return "unanswered"
    try:
        answer = channel.query(order)
        if answer.state == "paid" and answer.payment is not None:
            apply_reported(
                actor=actor, tenant=order.tenant, channel=channel.identifier, payment=answer.payment
            )
            return "applied"
        expired = order.expires_at <= timezone.now()
        if answer.state == "open" and not expired and order.bill.state == BillState.DUE:
            return "open"
        if answer.state == "open":
            channel.close(order)
        if answer.state != "unknown" or expired:
            reason = (
                "expired" if expired else f"bill {order.bill.state}" if answer.state == "open" else "closed"
            )
            return "closed" if do_close_payment_order(actor=actor, order=order, reason=reason) else "open"
        return "open"  # never reached the channel, not yet expired: the payer may still start
    except ChannelUnavailable as error:
        logger.warning("payment order %s: %s", order.number, error)
        return "unanswered"
