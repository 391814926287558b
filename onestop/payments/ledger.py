"""The double-entry ledger: every movement of money is one transaction of entries that sum
to zero, written once under a reference that names its cause; balances are sums of
entries; and ``check`` proves, from the entries alone, that the books balance and that
every bill is in the state its entries say.

The flows (debit positive, credit negative, in fen):

- a bill issued: ``payer_clearing`` +A (the payer owes it), ``revenue:<department>`` −A;
- a bill cancelled before payment: the same, reversed;
- a payment applied to its bill: ``channel:<channel>`` +A (the channel holds it),
  ``payer_clearing`` −A;
- a payment no open bill explains (an unknown payment code, a bill paid already or cancelled,
  another amount): ``channel:<channel>`` +A, ``suspense`` −A, until someone resolves it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError
from django.db.models import Count, Sum

from onestop.core import databases
from onestop.payments.models import (
    AccountKind,
    Bill,
    BillState,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    TransactionKind,
)
from onestop.tenancy.models import Tenant

PAYER_CLEARING = "payer_clearing"
SUSPENSE = "suspense"
REFUNDS_PAYABLE = "refunds_payable"


def channel_account(channel: str) -> str:
    return f"channel:{channel}"


def revenue_account(department_code: str) -> str:
    return f"revenue:{department_code}"


def fees_account(channel: str) -> str:
    return f"fees:{channel}"


def account_kind(code: str) -> AccountKind:
    """Which way an account counts, from its code."""
    prefix = code.split(":", 1)[0]
    kinds = {
        PAYER_CLEARING: AccountKind.ASSET,
        "channel": AccountKind.ASSET,
        "revenue": AccountKind.REVENUE,
        REFUNDS_PAYABLE: AccountKind.LIABILITY,
        "fees": AccountKind.EXPENSE,
        SUSPENSE: AccountKind.LIABILITY,
    }
    if prefix not in kinds:
        raise ValueError(f"no such ledger account: {code!r}")
    return kinds[prefix]


@dataclass(frozen=True, slots=True)
class Leg:
    """One entry to write: an account's code, a signed amount in fen, and the bill."""

    account: str
    amount_fen: int
    bill: Bill | None = None


class Unbalanced(ValueError):
    """Entries that do not sum to zero, or an entry of nothing: a programming error."""


def post(
    *, tenant: Tenant, kind: TransactionKind, reference: str, legs: Iterable[Leg], memo: str = ""
) -> LedgerTransaction | None:
    """Write one transaction, inside the caller's action; None, with nothing written, when
    the tenant's ledger holds a transaction of this reference already (its cause was
    applied before)."""
    legs = list(legs)
    if len(legs) < 2 or any(leg.amount_fen == 0 for leg in legs) or sum(leg.amount_fen for leg in legs) != 0:
        raise Unbalanced(f"{reference}: {[(leg.account, leg.amount_fen) for leg in legs]}")
    try:
        with databases.atomic():
            transaction = LedgerTransaction.objects.create(
                tenant=tenant, kind=kind, reference=reference, memo=memo[:200]
            )
    except IntegrityError:
        return None
    accounts = _accounts(tenant, {leg.account for leg in legs})
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            tenant=tenant,
            transaction=transaction,
            account=accounts[leg.account],
            amount_fen=leg.amount_fen,
            bill=leg.bill,
        )
        for leg in legs
    )
    return transaction


def _accounts(tenant: Tenant, codes: set[str]) -> dict[str, LedgerAccount]:
    found = {a.code: a for a in LedgerAccount.objects.filter(tenant=tenant, code__in=codes)}
    for code in codes - found.keys():
        kind = account_kind(code)
        try:
            with databases.atomic():
                found[code] = LedgerAccount.objects.create(tenant=tenant, code=code, kind=kind)
        except IntegrityError:  # opened beside this transaction (PostgreSQL)
            found[code] = LedgerAccount.objects.get(tenant=tenant, code=code)
    return found


def balance(tenant: Tenant, code: str) -> int:
    """An account's balance in fen, counted the way its kind counts (what a channel holds,
    what revenue came in, what suspense holds: positive)."""
    total = (
        LedgerEntry.objects.filter(tenant=tenant, account__code=code).aggregate(total=Sum("amount_fen"))[
            "total"
        ]
        or 0
    )
    return total if account_kind(code) in (AccountKind.ASSET, AccountKind.EXPENSE) else -total


def outstanding(bill: Bill) -> int:
    """What the payer still owes on a bill, from its entries."""
    return bill.entries.filter(account__code=PAYER_CLEARING).aggregate(total=Sum("amount_fen"))["total"] or 0


@dataclass
class Check:
    """What ``check`` found: how much it looked at, and each problem in words."""

    transactions: int = 0
    bills: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check(tenant: Tenant) -> Check:
    """Prove the tenant's books from their entries: every transaction has two entries or
    more summing to zero, and every bill is in the state its entries say (due: the payer
    owes its amount and paid nothing; paid: owes nothing, one payment; cancelled: owes
    nothing, no payment)."""
    found = Check()
    transactions = (
        LedgerTransaction.objects.filter(tenant=tenant)
        .annotate(legs=Count("entries"), total=Sum("entries__amount_fen"))
        .values_list("reference", "legs", "total")
    )
    for reference, legs, total in transactions.iterator(chunk_size=2000):
        found.transactions += 1
        if legs < 2 or total != 0:
            found.problems.append(f"transaction {reference}: {legs} entries summing to {total} fen")
    clearing = LedgerEntry.objects.filter(tenant=tenant, account__code=PAYER_CLEARING, bill__isnull=False)
    owed = dict(
        clearing.values_list("bill_id").annotate(total=Sum("amount_fen")).values_list("bill_id", "total")
    )
    payments = dict(
        clearing.filter(transaction__kind=TransactionKind.PAYMENT)
        .values_list("bill_id")
        .annotate(count=Count("id"))
        .values_list("bill_id", "count")
    )
    bills = Bill.objects.filter(tenant=tenant).values_list("pk", "number", "state", "amount_fen")
    for pk, number, state, amount in bills.iterator(chunk_size=2000):
        found.bills += 1
        expected = {BillState.DUE: (amount, 0), BillState.PAID: (0, 1), BillState.CANCELLED: (0, 0)}[
            BillState(state)
        ]
        actual = (owed.get(pk, 0), payments.get(pk, 0))
        if actual != expected:
            found.problems.append(
                f"bill {number} is {state}: the payer owes {actual[0]} fen and {actual[1]} payments "
                f"were applied (expected {expected[0]} fen and {expected[1]})"
            )
    return found
