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

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import IntegrityError
from django.db.models import Count, Sum

from onestop.core import databases
from onestop.core.rows import advance
from onestop.payments.models import (
    AccountKind,
    Bill,
    BillState,
    LedgerAccount,
    LedgerEntry,
    LedgerHead,
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
    applied before). It takes the ledger's next number (the head's row stays locked until
    the action commits) and the digest of its entries."""
    legs = list(legs)
    if len(legs) < 2 or any(leg.amount_fen == 0 for leg in legs) or sum(leg.amount_fen for leg in legs) != 0:
        raise Unbalanced(f"{reference}: {[(leg.account, leg.amount_fen) for leg in legs]}")
    accounts = _accounts(tenant, {leg.account for leg in legs})
    try:
        with databases.atomic():
            transaction = LedgerTransaction.objects.create(
                tenant=tenant,
                kind=kind,
                reference=reference,
                sequence=_next_sequence(tenant),
                digest=digest(
                    (leg.account, leg.amount_fen, leg.bill.number if leg.bill else "") for leg in legs
                ),
                memo=memo[:200],
            )
    except IntegrityError:
        return None  # written meanwhile by a notification beside this one (PostgreSQL)
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


def digest(entries: Iterable[tuple[str, int, str]]) -> str:
    """What a transaction's entries hash to: (account, amount, bill number) each, in order."""
    lines = sorted(f"{account}\t{amount}\t{bill}" for account, amount, bill in entries)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _next_sequence(tenant: Tenant) -> int:
    """The ledger's next number; the head stays locked until the action commits."""
    return advance(LedgerHead, "next_sequence", tenant=tenant) - 1


def _accounts(tenant: Tenant, codes: set[str]) -> dict[str, LedgerAccount]:
    found = {a.code: a for a in LedgerAccount.objects.filter(tenant=tenant, code__in=codes)}
    for code in sorted(codes - found.keys()):  # in one order everywhere: no deadlock between two
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
    """Prove the tenant's books from their entries, all read from one snapshot: every
    transaction has two entries or more summing to zero, and the digest it was written
    with (an entry added, removed or changed since shows); the transactions are numbered
    from 1 without a gap up to the head (one removed shows); and every bill is in the
    state its entries say (due: the payer owes its amount and paid nothing; paid: owes
    nothing, one payment; cancelled: owes nothing, no payment)."""
    with _snapshot():
        return _check(tenant)


def _check(tenant: Tenant) -> Check:
    found = Check()
    entries: dict[int, list[tuple[str, int, str]]] = {}
    rows = LedgerEntry.objects.filter(tenant=tenant).values_list(
        "transaction_id", "account__code", "amount_fen", "bill__number"
    )
    for transaction_id, account, amount, bill in rows.iterator(chunk_size=5000):
        entries.setdefault(transaction_id, []).append((account, amount, bill or ""))
    expected = 1
    transactions = LedgerTransaction.objects.filter(tenant=tenant).order_by("sequence")
    for pk, reference, sequence, written in transactions.values_list(
        "pk", "reference", "sequence", "digest"
    ).iterator(chunk_size=2000):
        found.transactions += 1
        if sequence != expected:
            found.problems.append(f"transactions {expected} to {sequence - 1} are missing")
        expected = sequence + 1
        legs = entries.get(pk, [])
        total = sum(amount for _account, amount, _bill in legs)
        if len(legs) < 2 or total != 0:
            found.problems.append(f"transaction {reference}: {len(legs)} entries summing to {total} fen")
        elif digest(legs) != written:
            found.problems.append(f"transaction {reference}: its entries are not those it was written with")
    head = LedgerHead.objects.filter(tenant=tenant).values_list("next_sequence", flat=True).first() or 1
    if head != expected:
        found.problems.append(f"transactions {expected} to {head - 1} are missing")
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
        wanted = {BillState.DUE: (amount, 0), BillState.PAID: (0, 1), BillState.CANCELLED: (0, 0)}[
            BillState(state)
        ]
        actual = (owed.get(pk, 0), payments.get(pk, 0))
        if actual != wanted:
            found.problems.append(
                f"bill {number} is {state}: the payer owes {actual[0]} fen and {actual[1]} payments "
                f"were applied (expected {wanted[0]} fen and {wanted[1]})"
            )
    return found


@contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent view of the database for the block's reads, holding no lock that
    writers wait for: a read-only repeatable-read transaction on PostgreSQL, a deferred
    read transaction on SQLite (WAL readers see the database as of their first read).
    Inside a transaction already open, that one."""
    connection = databases.connection()
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "postgresql":
        with databases.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield
        return
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            cursor.execute("COMMIT")
