"""Bills, channel notifications and the double-entry ledger.

Money is an integer number of fen everywhere (``*_fen``), never a float or a decimal
with a scale to forget. Ledger entries are append-only: a balance is the sum of an
account's entries, never a stored figure that someone could edit; a correction is a new
transaction that reverses the old one. A trigger refuses any UPDATE of an entry or a
ledger transaction on both databases; transactions are numbered without gaps and carry a
digest of their entries, so that a row removed or slipped in shows in ``ledger.check``
(deletes are left to the tenant's move between databases).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.tenancy.models import TenantOwned


class AccountKind(models.TextChoices):
    """What an account holds, which says which way its balance counts: assets and
    expenses are debit-normal (their balance is the sum of their entries), liabilities
    and revenue credit-normal (minus it)."""

    ASSET = "asset", _("Asset")
    LIABILITY = "liability", _("Liability")
    REVENUE = "revenue", _("Revenue")
    EXPENSE = "expense", _("Expense")


class LedgerAccount(TenantOwned):
    """An account of a tenant's ledger: ``payer_clearing`` (what payers owe on issued
    bills), ``channel:<channel>`` (what a payment channel holds for the tenant),
    ``revenue:<department>``, ``refunds_payable``, ``fees:<channel>``, ``suspense``
    (money no bill explains)."""

    code = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=AccountKind.choices)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="ledger_account_unique")]

    def __str__(self) -> str:
        return self.code


class TransactionKind(models.TextChoices):
    BILL_ISSUED = "bill_issued", _("Bill issued")
    BILL_CANCELLED = "bill_cancelled", _("Bill cancelled")
    PAYMENT = "payment", _("Payment received")
    SUSPENSE = "suspense", _("Payment no bill explains")


class LedgerTransaction(TenantOwned):
    """One movement of money: entries that sum to zero, written together once. ``reference``
    names what caused it (``pay:<channel>:<transaction>``, ``bill:<number>``) and is unique in the
    tenant's ledger, so that whatever causes it twice moves money once."""

    kind = models.CharField(max_length=24, choices=TransactionKind.choices)
    reference = models.CharField(max_length=128)
    # Numbered without gaps in the tenant's ledger, with a digest of its entries: a
    # transaction removed, or an entry added to one, removed or changed, shows in ``check``.
    sequence = models.BigIntegerField()
    digest = models.CharField(max_length=64)
    occurred_at = models.DateTimeField(default=timezone.now)
    memo = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "reference"], name="ledger_transaction_reference_unique"
            ),
            models.UniqueConstraint(fields=["tenant", "sequence"], name="ledger_transaction_sequence_unique"),
        ]

    def __str__(self) -> str:
        return self.reference


class LedgerHead(models.Model):
    """The number the tenant's next ledger transaction takes."""

    tenant = models.OneToOneField("tenancy.Tenant", on_delete=models.CASCADE, related_name="+")
    next_sequence = models.BigIntegerField(default=1)

    class Meta:
        verbose_name = _("ledger head")
        verbose_name_plural = _("ledger heads")

    def __str__(self) -> str:
        return str(self.next_sequence)


class LedgerEntry(TenantOwned):
    """One side of a transaction: a signed amount in fen on one account (debit positive,
    credit negative), and the bill it concerns when there is one."""

    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="+")
    amount_fen = models.BigIntegerField()
    bill = models.ForeignKey("Bill", null=True, blank=True, on_delete=models.PROTECT, related_name="entries")

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [
            models.Index(fields=["account"], name="ledger_entry_account_idx"),
            models.Index(fields=["bill"], name="ledger_entry_bill_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount_fen=0), name="ledger_entry_not_zero")
        ]


class BillState(models.TextChoices):
    DUE = "due", _("Awaiting payment")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class Bill(TenantOwned):
    """What a payer owes a department: line items in fen, the non-tax revenue payment code
    (缴款码) a payer can also pay by at a bank or in a channel's app, a due date, and what
    it is for (a case, by number)."""

    number = models.CharField(max_length=32, unique=True)
    payment_code = models.CharField(max_length=20, unique=True)
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    department_code = models.CharField(max_length=32)
    subject_type = models.CharField(max_length=32, blank=True)  # "case"
    subject_id = models.CharField(max_length=64, blank=True)  # the case's number
    lines = models.JSONField(default=list)  # [{"name", "name_en", "amount_fen"}]
    amount_fen = models.BigIntegerField()
    state = models.CharField(max_length=16, choices=BillState.choices, default=BillState.DUE)
    due_on = models.DateField()
    issued_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        indexes = [models.Index(fields=["tenant", "payer", "-issued_at"], name="bill_payer_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="bill_amount_positive"),
            models.UniqueConstraint(
                fields=["tenant", "subject_type", "subject_id"],
                condition=~models.Q(subject_id="") & ~models.Q(state="cancelled"),
                name="bill_one_open_per_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class OrderState(models.TextChoices):
    OPEN = "open", _("Awaiting payment")
    PAID = "paid", _("Paid")
    CLOSED = "closed", _("Closed")


class PaymentOrder(TenantOwned):
    """One attempt to pay a bill through one channel: its number is the merchant's order
    number the channel knows it by (``out_trade_no``). Made once per Idempotency-Key (the
    same key asks again and gets the same order), open until it expires, paid at most
    once: the first payment the channel reports pays it, and any other payment of the same
    bill finds it paid already and is held in suspense for a refund."""

    number = models.CharField(max_length=32, unique=True)
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="orders")
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=32)
    amount_fen = models.BigIntegerField()
    idempotency_key = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=OrderState.choices, default=OrderState.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    channel_transaction = models.CharField(max_length=64, blank=True)
    # Where the payer goes to pay (the channel's cashier page), once the channel answered.
    pay_url = models.URLField(max_length=1000, blank=True)
    # When the channel was last asked about the order, having sent no word of it.
    queried_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("payment order")
        verbose_name_plural = _("payment orders")
        indexes = [
            models.Index(fields=["state", "created_at"], name="payment_order_open_idx"),
            models.Index(fields=["bill"], name="payment_order_bill_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_fen__gt=0), name="payment_order_amount_positive"
            ),
            models.UniqueConstraint(
                fields=["tenant", "payer", "idempotency_key"], name="payment_order_idempotency_key"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class NotificationOutcome(models.TextChoices):
    APPLIED = "applied", _("Applied")
    DUPLICATE = "duplicate", _("Already applied")
    SUSPENSE = "suspense", _("Held in suspense")


class ChannelNotification(TenantOwned):
    """A channel's word that money moved, stored once verified and before it is
    acknowledged, and applied once: the channel's own notification id is unique per
    channel, and the channel's transaction id moves money once in the ledger
    (``pay:<channel>:<transaction>``), so a notification sent again, late or out of
    order finds its first copy and changes nothing. ``payment_code`` is what the payer
    paid by (the bill's 缴款码, keyed in at a counter or in the channel's app)."""

    channel = models.CharField(max_length=32)
    notification_id = models.CharField(max_length=96)
    order_number = models.CharField(max_length=32, blank=True)  # the order it pays, when told
    payment_code = models.CharField(max_length=32, blank=True)
    channel_transaction = models.CharField(max_length=64)
    amount_fen = models.BigIntegerField()
    succeeded_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=16, choices=NotificationOutcome.choices)
    body = models.JSONField(default=dict)  # the decrypted resource, as the channel sent it

    class Meta:
        verbose_name = _("channel notification")
        verbose_name_plural = _("channel notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "channel", "notification_id"], name="channel_notification_unique"
            )
        ]
