"""Payment channels (WeChat Pay, Alipay, UnionPay …) as plugins: each speaks its channel's
protocol behind one base class, so that orders, notifications and queries are handled
alike whatever the channel. Several are enabled at once (ONESTOP_PAYMENT_CHANNELS,
comma-separated) and the payer chooses.

A channel's word is the truth about money, and every word is checked before it is
believed: a notification is verified (signature, freshness, our merchant, the resource
decrypted) by ``verify_notification``, which raises ``NotificationRejected`` with a stable
reason for anything else; nothing rejected is stored or applied.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from onestop.core.plugins import Plugin, Registry

if TYPE_CHECKING:
    from onestop.payments.models import PaymentOrder

# How old a notification's signed timestamp may be: older is a replay, refused.
NOTIFICATION_MAX_AGE_SECONDS = 300


@dataclass(frozen=True, slots=True)
class ChannelPayment:
    """A payment the channel reports (in a notification, or in answer to a query)."""

    notification_id: str  # the channel's id of this word, unique per channel
    order_number: str  # our order number (out_trade_no)
    channel_transaction: str  # the channel's id of the payment
    amount_fen: int
    succeeded_at: datetime
    body: dict[str, Any] = field(default_factory=dict)
    # The tenant the order was placed for, as the channel signed it back (WeChat Pay's
    # ``attach``): a genuine notification replayed at another tenant's address is refused.
    tenant_code: str = ""


@dataclass(frozen=True, slots=True)
class ChannelOrder:
    """What the channel says of an order asked about: ``paid`` (with its payment), ``open``
    (the payer may still pay), ``closed`` (it can no longer be paid), or ``unknown`` (the
    channel never received it)."""

    state: str
    payment: ChannelPayment | None = None


@dataclass(frozen=True, slots=True)
class Prepay:
    """Where the payer goes to pay an order: the channel's cashier page."""

    pay_url: str


@dataclass(frozen=True, slots=True)
class Answer:
    """What the channel expects to hear back from a notification endpoint."""

    status: int
    content_type: str
    body: bytes


class ChannelUnavailable(Exception):
    """The channel did not answer, or refused a request: the order stays as it was and
    the payer may try again."""


class NotificationRejected(Exception):
    """A notification that is not to be believed. ``reason`` is stable, for the log and
    the metric: ``bad_signature``, ``stale``, ``wrong_merchant``, ``malformed``,
    ``not_a_payment``."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class PaymentChannel(Plugin, abc.ABC):
    """One payment channel. ``identifier`` is also its name in the ledger
    (``channel:<identifier>``) and in notification URLs."""

    # The channel's own name as payers know it, whatever the plugin (real or sandbox).
    channel_name: Any = ""

    @abc.abstractmethod
    def prepay(self, order: PaymentOrder, *, description: str, notify_url: str, return_url: str) -> Prepay:
        """Place the order with the channel (placing it again with the same terms is
        harmless) and say where the payer pays it. Raises ``ChannelUnavailable``."""

    @abc.abstractmethod
    def verify_notification(self, headers: Mapping[str, str], body: bytes) -> ChannelPayment:
        """The payment a notification reports, once it is proved to come from the channel,
        fresh, for this merchant; else ``NotificationRejected``."""

    @abc.abstractmethod
    def query(self, order: PaymentOrder) -> ChannelOrder:
        """Ask the channel about an order it sent no word of. Raises ``ChannelUnavailable``."""

    @abc.abstractmethod
    def close(self, order: PaymentOrder) -> None:
        """Tell the channel that an unpaid order can no longer be paid. Raises
        ``ChannelUnavailable``."""

    def accepted(self) -> Answer:
        """The answer that tells the channel its notification was received."""
        return Answer(204, "text/plain", b"")

    def refused(self, reason: str) -> Answer:
        """The answer that tells the channel to send its notification again."""
        return Answer(400, "text/plain", reason.encode())


payment_channels: Registry[PaymentChannel] = Registry(
    kind="payment",
    label=_("Payment channels"),
    setting="ONESTOP_PAYMENT_CHANNELS",
    many=True,
)


def enabled_channels() -> list[PaymentChannel]:
    return payment_channels.enabled_plugins()


def enabled_channel(identifier: str) -> PaymentChannel | None:
    """The enabled channel of that name, or None (a channel switched off, or none such)."""
    return next((channel for channel in enabled_channels() if channel.identifier == identifier), None)
