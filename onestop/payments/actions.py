"""Payments' writes: issuing and cancelling bills, and applying a channel's word that a
payment arrived, exactly once."""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.core import databases
from onestop.core.actors import Actor
from onestop.core.audit import Event, record_action
from onestop.core.errors import Conflict, ValidationFailed
from onestop.core.metrics import counter
from onestop.payments import ledger
from onestop.payments.audit import PaymentsAudit
from onestop.payments.codes import new_bill_number, new_order_number, new_payment_code
from onestop.payments.error_codes import PaymentsErrorCode
from onestop.payments.events import BILL_CANCELLED, BILL_ISSUED, BILL_PAID, SUSPENSE_OPENED
from onestop.payments.ledger import Leg
from onestop.payments.models import (
    Bill,
    BillState,
    ChannelNotification,
    NotificationOutcome,
    OrderState,
    PaymentOrder,
    TransactionKind,
)
from onestop.tenancy.models import Department

if TYPE_CHECKING:
    from onestop.identity.models import User
    from onestop.payments.channels import PaymentChannel
    from onestop.tenancy.models import Tenant

logger = logging.getLogger(__name__)
SUSPENSE_OPENED_TOTAL = counter(
    "onestop_payments_suspense_total", "Payments held in suspense: money no open bill explains", ["channel"]
)
CONFLICTING_NOTIFICATIONS_TOTAL = counter(
    "onestop_payments_conflicting_notifications_total",
    "Notifications of a payment already applied that tell another amount or payment code",
    ["channel"],
)
CHANNEL_NAME = re.compile(r"[a-z0-9_]{1,32}")
MAX_LINES = 20
MAX_BILL_FEN = 10**12  # ten billion yuan: past it, an amount is a mistake


def _checked_lines(lines: Any) -> list[dict[str, Any]]:
    """Line items as a bill keeps them, or the reason they cannot be."""
    refused = ValidationFailed(
        PaymentsErrorCode.BILL_LINES_INVALID,
        _("A bill needs one to 20 lines, each with a name and an amount of at least one fen."),
        field="lines",
    )
    if not isinstance(lines, list) or not 1 <= len(lines) <= MAX_LINES:
        raise refused
    checked: list[dict[str, Any]] = []
    total = 0
    for line in lines:
        if not isinstance(line, dict):
            raise refused
        name, name_en, amount = line.get("name"), line.get("name_en", ""), line.get("amount_fen")
        if (
            not isinstance(name, str)
            or not name.strip()
            or len(name) > 64
            or not isinstance(name_en, str)
            or len(name_en) > 96
            or isinstance(amount, bool)
            or not isinstance(amount, int)
            or not 0 < amount <= MAX_BILL_FEN
        ):
            raise refused
        checked.append({"name": name.strip(), "name_en": name_en.strip(), "amount_fen": amount})
        total += amount
    if total > MAX_BILL_FEN:
        raise refused
    return checked


def do_issue_bill(
    *,
    actor: Actor,
    tenant: Tenant,
    payer: User,
    department_code: str,
    lines: Any,
    due_on: date,
    subject_type: str = "",
    subject_id: str = "",
) -> Bill:
    """Issue a bill: the payer owes its amount to the department from now (the ledger's
    ``payer_clearing`` against the department's revenue), payable by its payment code
    until ``due_on``. One open bill per subject (a case): a second is refused."""
    checked = _checked_lines(lines)
    today = timezone.localdate()
    if due_on < today:
        raise ValidationFailed(
            PaymentsErrorCode.BILL_DUE_DATE_INVALID, _("The last day to pay has passed."), field="due_on"
        )
    department = (
        Department.objects.filter(tenant=tenant, code=department_code).select_related("region").first()
    )
    if department is None:
        raise ValidationFailed(
            PaymentsErrorCode.BILL_DEPARTMENT_UNKNOWN, _("No such department."), field="department"
        )
    amount = sum(line["amount_fen"] for line in checked)
    if payer.tenant_id != tenant.pk:
        raise ValidationFailed(PaymentsErrorCode.BILL_PAYER_UNKNOWN, _("No such payer."), field="payer")
    with databases.action():
        open_bills = Bill.objects.filter(tenant=tenant, subject_type=subject_type, subject_id=subject_id)
        if subject_id and open_bills.exclude(state=BillState.CANCELLED).exists():
            raise Conflict(PaymentsErrorCode.BILL_EXISTS, _("A bill for this is open or paid already."))
        bill = _new_bill(
            tenant=tenant,
            payer=payer,
            department=department,
            subject_type=subject_type,
            subject_id=subject_id,
            lines=checked,
            amount_fen=amount,
            due_on=due_on,
        )
        ledger.post(
            tenant=tenant,
            kind=TransactionKind.BILL_ISSUED,
            reference=f"bill:{bill.number}",
            legs=[
                Leg(ledger.PAYER_CLEARING, amount, bill),
                Leg(ledger.revenue_account(department.code), -amount, bill),
            ],
        )
        record_action(
            actor=actor,
            action=PaymentsAudit.ISSUE_BILL,
            tenant_code=tenant.code,
            object_type="bill",
            object_id=bill.number,
            detail={"amount_fen": amount, "department": department.code, "subject": subject_id},
            events=[
                Event(
                    BILL_ISSUED,
                    {
                        "tenant": tenant.code,
                        "number": bill.number,
                        "payer": payer.pk,
                        "amount_fen": amount,
                        "subject_type": subject_type,
                        "subject_id": subject_id,
                        "due_on": due_on.isoformat(),
                    },
                )
            ],
        )
    return bill


def _new_bill(*, department: Department, **fields: Any) -> Bill:
    """A bill with a new number and payment code (drawn again in the rare case that one
    is taken; a bill for the same subject written meanwhile is refused)."""
    today = timezone.localdate()
    for attempt in range(3):
        try:
            with databases.atomic():
                return Bill.objects.create(
                    number=new_bill_number(today),
                    payment_code=new_payment_code(department.region.code, today),
                    department_code=department.code,
                    **fields,
                )
        except IntegrityError:
            subject = Bill.objects.filter(
                tenant=fields["tenant"], subject_type=fields["subject_type"], subject_id=fields["subject_id"]
            )
            if attempt == 2 or (fields["subject_id"] and subject.exclude(state=BillState.CANCELLED).exists()):
                raise Conflict(
                    PaymentsErrorCode.BILL_EXISTS, _("A bill for this is open or paid already.")
                ) from None
    raise AssertionError("unreachable")


def do_cancel_bill(*, actor: Actor, bill: Bill, reason: str) -> Bill:
    """Cancel a bill nobody has paid: what the payer owed is taken back from the
    department's revenue. A bill paid meanwhile is not cancelled (it is refunded)."""
    with databases.action():
        locked = Bill.objects.select_for_update().filter(tenant_id=bill.tenant_id, pk=bill.pk).first()
        if locked is None or locked.state != BillState.DUE:
            raise Conflict(
                PaymentsErrorCode.BILL_NOT_DUE, _("Only a bill awaiting payment can be cancelled.")
            )
        locked.state, locked.cancelled_at = BillState.CANCELLED, timezone.now()
        locked.save(update_fields=["state", "cancelled_at"])
        ledger.post(
            tenant=locked.tenant,
            kind=TransactionKind.BILL_CANCELLED,
            reference=f"bill-cancelled:{locked.number}",
            legs=[
                Leg(ledger.PAYER_CLEARING, -locked.amount_fen, locked),
                Leg(ledger.revenue_account(locked.department_code), locked.amount_fen, locked),
            ],
            memo=reason,
        )
        record_action(
            actor=actor,
            action=PaymentsAudit.CANCEL_BILL,
            tenant_code=locked.tenant.code,
            object_type="bill",
            object_id=locked.number,
            detail={"amount_fen": locked.amount_fen, "reason": reason[:200]},
            events=[
                Event(
                    BILL_CANCELLED,
                    {
                        "tenant": locked.tenant.code,
                        "number": locked.number,
                        "payer": locked.payer_id,
                        "subject_type": locked.subject_type,
                        "subject_id": locked.subject_id,
                    },
                )
            ],
        )
    return locked


def do_apply_channel_payment(
    *,
    actor: Actor,
    tenant: Tenant,
    channel: str,
    notification_id: str,
    channel_transaction: str,
    amount_fen: int,
    succeeded_at: datetime,
    body: dict[str, Any],
    order_number: str = "",
    payment_code: str = "",
) -> NotificationOutcome:
    """Apply a channel's verified word that a payment succeeded, exactly once, whatever
    the order, duplication or delay of its notifications: the notification is stored
    (a copy sent again finds it and changes nothing), and the payment moves money once
    (the ledger's reference is the channel's transaction). The payment names what it pays:
    our payment order (``order_number``, for payments made through an order) or the
    bill's payment code (paid at a bank or in a channel's app). Money of the right amount
    for a bill awaiting payment pays it, and its order with it (even an order closed as
    the payer paid: the money is real); any other is held in suspense and raised as an
    alert, never dropped."""
    if (
        not CHANNEL_NAME.fullmatch(channel)
        or not 0 < len(notification_id) <= 96
        or not 0 < len(channel_transaction) <= 64
        or not 0 < len(order_number or payment_code) <= 32
        or len(payment_code) > 32
        or isinstance(amount_fen, bool)
        or not isinstance(amount_fen, int)
        or not 0 < amount_fen <= MAX_BILL_FEN
    ):
        # A channel plugin's programming error, never a payer's: nothing is written, and the
        # channel, unanswered, sends the notification again.
        raise ValidationFailed(
            PaymentsErrorCode.PAYMENT_NOTIFICATION_INVALID,
            _("The payment notification is incomplete."),
            field="notification",
        )
    with databases.action():
        try:
            with databases.atomic():
                notification = ChannelNotification.objects.create(
                    tenant=tenant,
                    channel=channel,
                    notification_id=notification_id,
                    order_number=order_number,
                    payment_code=payment_code,
                    channel_transaction=channel_transaction,
                    amount_fen=amount_fen,
                    succeeded_at=succeeded_at,
                    outcome=NotificationOutcome.APPLIED,
                    body=body,
                )
        except IntegrityError:
            first = ChannelNotification.objects.get(
                tenant=tenant, channel=channel, notification_id=notification_id
            )
            _alert_if_changed(first, order_number or payment_code, channel_transaction, amount_fen)
            return NotificationOutcome.DUPLICATE  # this very notification came before
        order = (
            PaymentOrder.objects.select_for_update().filter(tenant=tenant, number=order_number).first()
            if order_number
            else None
        )
        bills = Bill.objects.select_for_update().filter(tenant=tenant)
        if order_number:
            bill = bills.filter(pk=order.bill_id).first() if order is not None else None
        else:
            bill = bills.filter(payment_code=payment_code).first()
        reason = (
            ("unknown_order" if order_number else "unknown_code")
            if bill is None
            else "order_paid"
            if order is not None and order.state == OrderState.PAID
            else "bill_not_due"
            if bill.state != BillState.DUE
            else "amount_mismatch"
            if bill.amount_fen != amount_fen
            else ""
        )
        reference = f"pay:{channel}:{channel_transaction}"
        events: list[Event] = []
        if bill is not None and not reason:
            posted = ledger.post(
                tenant=tenant,
                kind=TransactionKind.PAYMENT,
                reference=reference,
                legs=[
                    Leg(ledger.channel_account(channel), amount_fen, bill),
                    Leg(ledger.PAYER_CLEARING, -amount_fen, bill),
                ],
            )
            if posted is not None:
                bill.state, bill.paid_at = BillState.PAID, succeeded_at
                bill.save(update_fields=["state", "paid_at"])
                if order is not None:
                    order.state, order.paid_at = OrderState.PAID, succeeded_at
                    order.channel_transaction = channel_transaction
                    order.save(update_fields=["state", "paid_at", "channel_transaction"])
                events.append(
                    Event(
                        BILL_PAID,
                        {
                            "tenant": tenant.code,
                            "number": bill.number,
                            "payer": bill.payer_id,
                            "amount_fen": amount_fen,
                            "subject_type": bill.subject_type,
                            "subject_id": bill.subject_id,
                            "channel": channel,
                        },
                    )
                )
            outcome = NotificationOutcome.APPLIED if posted is not None else NotificationOutcome.DUPLICATE
        else:
            posted = ledger.post(
                tenant=tenant,
                kind=TransactionKind.SUSPENSE,
                reference=reference,
                legs=[Leg(ledger.channel_account(channel), amount_fen), Leg(ledger.SUSPENSE, -amount_fen)],
                memo=f"{reason}: {order_number or payment_code}",
            )
            outcome = NotificationOutcome.SUSPENSE if posted is not None else NotificationOutcome.DUPLICATE
            if posted is not None:
                events.append(
                    Event(
                        SUSPENSE_OPENED,
                        {
                            "tenant": tenant.code,
                            "channel": channel,
                            "order_number": order_number,
                            "payment_code": payment_code,
                            "channel_transaction": channel_transaction,
                            "amount_fen": amount_fen,
                            "reason": reason,
                        },
                    )
                )
        if outcome == NotificationOutcome.DUPLICATE:  # the payment, told under another notification
            _alert_if_changed(
                _first_of(tenant, channel, channel_transaction),
                order_number or payment_code,
                channel_transaction,
                amount_fen,
            )
        if outcome != NotificationOutcome.APPLIED:
            notification.outcome = outcome
            notification.save(update_fields=["outcome"])
        record_action(
            actor=actor,
            action=PaymentsAudit.APPLY_PAYMENT,
            tenant_code=tenant.code,
            object_type="payment",
            object_id=reference[:128],
            detail={
                "outcome": outcome,
                "amount_fen": amount_fen,
                "order": order_number,
                "bill": bill.number if bill else "",
                "reason": reason,
            },
            events=events,
        )
    if outcome == NotificationOutcome.SUSPENSE:
        SUSPENSE_OPENED_TOTAL.labels(channel).inc()
        logger.error(
            "payment %s of %s fen through %s held in suspense (%s, %s)",
            channel_transaction,
            amount_fen,
            channel,
            reason,
            order_number or payment_code,
        )
    return outcome


def _first_of(tenant: Tenant, channel: str, channel_transaction: str) -> ChannelNotification | None:
    """The first notification applied for a channel's transaction."""
    return (
        ChannelNotification.objects.filter(
            tenant=tenant, channel=channel, channel_transaction=channel_transaction
        )
        .exclude(outcome=NotificationOutcome.DUPLICATE)
        .order_by("id")
        .first()
    )


def _alert_if_changed(
    first: ChannelNotification | None, pays: str, channel_transaction: str, amount_fen: int
) -> None:
    """A notification of a payment already applied that tells it differently (another
    amount, order, code or transaction) changes nothing, and is raised as an alert: the
    channel and the ledger disagree, and a person must look."""
    if first is None or (
        first.order_number or first.payment_code,
        first.channel_transaction,
        first.amount_fen,
    ) == (pays, channel_transaction, amount_fen):
        return
    CONFLICTING_NOTIFICATIONS_TOTAL.labels(first.channel).inc()
    logger.error(
        "a notification of %s payment %s tells %s fen for %s; the first told %s fen for %s",
        first.channel,
        channel_transaction,
        amount_fen,
        pays,
        first.amount_fen,
        first.order_number or first.payment_code,
    )


IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{8,64}")  # printable ASCII, no spaces (Stripe's keys, UUIDs)


def do_open_payment_order(
    *,
    actor: Actor,
    bill: Bill,
    channel: PaymentChannel,
    idempotency_key: str,
    description: str,
    notify_url: str,
    return_url: str,
) -> PaymentOrder:
    """An order to pay ``bill`` through ``channel``, placed with the channel, and where the
    payer goes to pay it (``pay_url``).

    Made once per Idempotency-Key: the same key asks again and gets the same order (and,
    if the channel did not answer the first time, places it again: placing the same order
    twice is harmless at every channel); the same key for another bill or channel is
    refused. An order of this bill and channel still open is reused, so that a payer who
    comes back does not end up with two orders to pay. Raises ``ChannelUnavailable`` when
    the channel does not answer: the order stays, unplaced, for the next try."""
    if not IDEMPOTENCY_KEY.fullmatch(idempotency_key or ""):
        raise ValidationFailed(
            PaymentsErrorCode.IDEMPOTENCY_KEY_INVALID,
            _("An Idempotency-Key of 8 to 64 printable characters is required."),
            field="idempotency_key",
        )
    now = timezone.now()
    with databases.action():
        locked = Bill.objects.select_for_update().get(tenant_id=bill.tenant_id, pk=bill.pk)
        orders = PaymentOrder.objects.filter(tenant_id=bill.tenant_id)
        order = orders.filter(payer_id=locked.payer_id, idempotency_key=idempotency_key).first()
        if order is not None and (order.bill_id != locked.pk or order.channel != channel.identifier):
            raise Conflict(
                PaymentsErrorCode.IDEMPOTENCY_KEY_REUSED,
                _("This Idempotency-Key was used for another payment."),
            )
        if locked.state != BillState.DUE:  # a form sent again after the bill was settled
            raise Conflict(PaymentsErrorCode.BILL_NOT_DUE, _("This bill is not awaiting payment."))
        if order is not None and (order.state != OrderState.OPEN or order.expires_at <= now):
            raise Conflict(
                PaymentsErrorCode.ORDER_CLOSED,
                _("This payment can no longer be made here. Choose how to pay again."),
            )
        if order is None:
            order = (
                orders.filter(
                    bill=locked, channel=channel.identifier, state=OrderState.OPEN, expires_at__gt=now
                )
                .exclude(pay_url="")
                .order_by("-created_at")
                .first()
            )
        if order is None:
            order = _new_order(
                locked=locked, channel=channel.identifier, idempotency_key=idempotency_key, now=now
            )
            record_action(
                actor=actor,
                action=PaymentsAudit.OPEN_ORDER,
                tenant_code=locked.tenant.code,
                object_type="payment_order",
                object_id=order.number,
                detail={"bill": locked.number, "channel": channel.identifier, "amount_fen": order.amount_fen},
            )
    if order.state == OrderState.OPEN and not order.pay_url:
        prepay = channel.prepay(order, description=description, notify_url=notify_url, return_url=return_url)
        PaymentOrder.objects.filter(tenant_id=order.tenant_id, pk=order.pk).update(pay_url=prepay.pay_url)
        order.pay_url = prepay.pay_url
    return order


def _new_order(*, locked: Bill, channel: str, idempotency_key: str, now: datetime) -> PaymentOrder:
    """A new order for the bill; the same key taken meanwhile by another request of the
    payer's is refused like any reused key."""
    try:
        with databases.atomic():
            return PaymentOrder.objects.create(
                tenant_id=locked.tenant_id,
                number=new_order_number(timezone.localdate()),
                bill=locked,
                payer_id=locked.payer_id,
                channel=channel,
                amount_fen=locked.amount_fen,
                idempotency_key=idempotency_key,
                expires_at=now + timedelta(minutes=settings.ONESTOP_PAYMENT_ORDER_MINUTES),
            )
    except IntegrityError:
        raise Conflict(
            PaymentsErrorCode.IDEMPOTENCY_KEY_REUSED,
            _("This Idempotency-Key was used for another payment."),
        ) from None


def do_close_payment_order(*, actor: Actor, order: PaymentOrder, reason: str) -> bool:
    """Record that an order can no longer be paid (it expired, or its bill is paid or
    cancelled), once the channel closed it. Whether it was open."""
    with databases.action():
        closed = (
            PaymentOrder.objects.filter(tenant_id=order.tenant_id, pk=order.pk, state=OrderState.OPEN).update(
                state=OrderState.CLOSED, closed_at=timezone.now()
            )
            == 1
        )
        if closed:
            record_action(
                actor=actor,
                action=PaymentsAudit.CLOSE_ORDER,
                tenant_code=order.tenant.code,
                object_type="payment_order",
                object_id=order.number,
                detail={"reason": reason[:100]},
            )
    return closed
