"""The outbox topics payments emits (see docs/events.md)."""

from __future__ import annotations

from onestop.core.events import declare

BILL_ISSUED = declare(
    "payments.bill.issued",
    description="A bill was issued to a payer: the payer owes its amount from now.",
    fields={
        "tenant": "the tenant's code",
        "number": "the bill number",
        "payer": "the payer's account id",
        "amount_fen": "the amount, in fen",
        "subject_type": "what it is for (case), or empty",
        "subject_id": "the case number, or empty",
        "due_on": "the last day to pay (ISO date)",
    },
)
BILL_PAID = declare(
    "payments.bill.paid",
    description="A channel's payment of a bill was applied: the bill is paid.",
    fields={
        "tenant": "the tenant's code",
        "number": "the bill number",
        "payer": "the payer's account id",
        "amount_fen": "the amount, in fen",
        "subject_type": "what it is for (case), or empty",
        "subject_id": "the case number, or empty",
        "channel": "the channel that took the payment",
    },
)
BILL_CANCELLED = declare(
    "payments.bill.cancelled",
    description="A bill was cancelled before it was paid.",
    fields={
        "tenant": "the tenant's code",
        "number": "the bill number",
        "payer": "the payer's account id",
        "subject_type": "what it is for (case), or empty",
        "subject_id": "the case number, or empty",
    },
)
SUSPENSE_OPENED = declare(
    "payments.suspense.opened",
    description="A channel reported money that no open bill explains; it is held in suspense.",
    fields={
        "tenant": "the tenant's code",
        "channel": "the channel",
        "order_number": "the payment order the channel named, or empty",
        "payment_code": "the payment code the channel named, or empty",
        "channel_transaction": "the channel's transaction id",
        "amount_fen": "the amount, in fen",
        "reason": "unknown_order, unknown_code, order_paid, bill_not_due or amount_mismatch",
    },
)
