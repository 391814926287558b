"""A payment a channel reported, in a notification or in answer to a query, applied."""

from __future__ import annotations

from typing import TYPE_CHECKING

from onestop.core.actors import Actor
from onestop.payments.actions import do_apply_channel_payment
from onestop.payments.models import NotificationOutcome

if TYPE_CHECKING:
    from onestop.payments.channels import ChannelPayment
    from onestop.tenancy.models import Tenant


def apply_reported(
    *, actor: Actor, tenant: Tenant, channel: str, payment: ChannelPayment
) -> NotificationOutcome:
    return do_apply_channel_payment(
        actor=actor,
        tenant=tenant,
        channel=channel,
        notification_id=payment.notification_id,
        order_number=payment.order_number,
        channel_transaction=payment.channel_transaction,
        amount_fen=payment.amount_fen,
        succeeded_at=payment.succeeded_at,
        body=payment.body,
    )
