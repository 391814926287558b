"""Bills and the double-entry ledger: every movement balances, a payment is applied once
whatever the channel repeats, money nothing explains is held in suspense, the books can
be proved from their entries, and entries cannot be changed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.utils import timezone

from onestop.core import databases
from onestop.core.errors import Conflict, NotFound, ValidationFailed
from onestop.core.models import AuditEntry, OutboxEvent
from onestop.identity.models import User
from onestop.identity.tests.factories import make_citizen
from onestop.payments import ledger
from onestop.payments.access import access_bill
from onestop.payments.actions import (
    CONFLICTING_NOTIFICATIONS_TOTAL,
    SUSPENSE_OPENED_TOTAL,
    do_apply_channel_payment,
    do_cancel_bill,
    do_issue_bill,
)
from onestop.payments.codes import is_payment_code, luhn_digit
from onestop.payments.ledger import Leg
from onestop.payments.models import Bill, BillState, LedgerEntry, LedgerTransaction, NotificationOutcome
from onestop.tenancy.models import Tenant
from onestop.tenancy.tests.factories import FACTORY, make_tenant

pytestmark = [pytest.mark.django_db, pytest.mark.own_data]
LINES = [
    {"name": "工本费", "name_en": "Production fee", "amount_fen": 1500},
    {"name": "邮寄费", "amount_fen": 800},
]


def _bill(tenant: Tenant, payer: User, **overrides: Any) -> Bill:
    asked: dict[str, Any] = {
        "department_code": "gd-rs",
        "lines": LINES,
        "due_on": timezone.localdate() + timedelta(days=10),
        "subject_type": "case",
        "subject_id": f"C{Bill.objects.count():06d}",
        **overrides,
    }
    return do_issue_bill(actor=FACTORY, tenant=tenant, payer=payer, **asked)


def _pay(
    tenant: Tenant, code: str, amount: int, transaction: str, notification: str = ""
) -> NotificationOutcome:
    return do_apply_channel_payment(
        actor=FACTORY,
        tenant=tenant,
        channel="wechatpay",
        notification_id=notification or f"n-{transaction}",
        payment_code=code,
        channel_transaction=transaction,
        amount_fen=amount,
        succeeded_at=timezone.now(),
        body={"transaction_id": transaction},
    )


def _events(topic: str) -> list[dict[str, Any]]:
    return [e.payload for e in OutboxEvent.objects.filter(topic=topic).order_by("id")]


def test_a_bill_issued_is_what_the_payer_owes_the_department(tenant: Tenant, payer: User) -> None:
    bill = _bill(tenant, payer)
    assert (bill.amount_fen, bill.state, bill.lines[1]["name_en"]) == (2300, BillState.DUE, "")
    assert is_payment_code(bill.payment_code) and bill.payment_code.startswith("440000")  # the province's
    assert ledger.balance(tenant, ledger.PAYER_CLEARING) == 2300
    assert ledger.balance(tenant, ledger.revenue_account("gd-rs")) == 2300
    assert ledger.outstanding(bill) == 2300
    assert _events("payments.bill.issued")[-1]["number"] == bill.number
    assert AuditEntry.objects.filter(action="payments.issue_bill", object_id=bill.number).exists()
    found = ledger.check(tenant)
    assert found.ok and (found.transactions, found.bills) == (1, 1)


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"lines": []}, "bill_lines_invalid"),
        ({"lines": [{"name": "费", "amount_fen": 0}]}, "bill_lines_invalid"),
        ({"lines": [{"name": "费", "amount_fen": -100}]}, "bill_lines_invalid"),
        ({"lines": [{"name": "费", "amount_fen": 12.5}]}, "bill_lines_invalid"),
        ({"lines": [{"name": "费", "amount_fen": True}]}, "bill_lines_invalid"),
        ({"lines": [{"name": "费", "amount_fen": "100"}]}, "bill_lines_invalid"),
        ({"lines": [{"name": " ", "amount_fen": 100}]}, "bill_lines_invalid"),
        ({"lines": [{"name": "费", "amount_fen": 1}] * 21}, "bill_lines_invalid"),
        (
            {"lines": [{"name": "费", "amount_fen": 10**12}, {"name": "费", "amount_fen": 1}]},
            "bill_lines_invalid",
        ),
        ({"lines": "1500"}, "bill_lines_invalid"),
        ({"due_on": timezone.localdate() - timedelta(days=1)}, "bill_due_date_invalid"),
        ({"department_code": "nowhere"}, "bill_department_unknown"),
    ],
)
def test_a_bill_that_cannot_be_is_refused_with_a_code_and_nothing_written(
    tenant: Tenant, payer: User, overrides: dict[str, Any], code: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _bill(tenant, payer, **overrides)
    assert str(refused.value.code) == code and str(refused.value.message)
    assert not Bill.objects.filter(tenant=tenant).exists()
    assert not LedgerTransaction.objects.filter(tenant=tenant).exists()


def test_one_open_bill_per_case(tenant: Tenant, payer: User) -> None:
    bill = _bill(tenant, payer, subject_id="C1")
    with pytest.raises(Conflict) as refused:
        _bill(tenant, payer, subject_id="C1")
    assert str(refused.value.code) == "bill_exists"
    do_cancel_bill(actor=FACTORY, bill=bill, reason="wrong amount")
    assert _bill(tenant, payer, subject_id="C1").state == BillState.DUE  # a new one after cancelling
    assert ledger.check(tenant).ok


def test_a_payment_is_applied_once_whatever_the_channel_repeats(tenant: Tenant, payer: User) -> None:
    bill = _bill(tenant, payer)
    assert _pay(tenant, bill.payment_code, 2300, "4200001") == NotificationOutcome.APPLIED
    # The same notification again, and the same payment under another notification.
    assert _pay(tenant, bill.payment_code, 2300, "4200001") == NotificationOutcome.DUPLICATE
    assert _pay(tenant, bill.payment_code, 2300, "4200001", "n-late") == NotificationOutcome.DUPLICATE
    bill.refresh_from_db()
    assert bill.state == BillState.PAID and bill.paid_at is not None
    assert ledger.outstanding(bill) == 0
    assert ledger.balance(tenant, ledger.channel_account("wechatpay")) == 2300
    assert ledger.balance(tenant, ledger.SUSPENSE) == 0
    assert [e["number"] for e in _events("payments.bill.paid")] == [bill.number]
    assert ledger.check(tenant).ok


def test_money_no_open_bill_explains_is_held_in_suspense_never_lost(tenant: Tenant, payer: User) -> None:
    paid, cancelled, due = _bill(tenant, payer), _bill(tenant, payer), _bill(tenant, payer)
    do_cancel_bill(actor=FACTORY, bill=cancelled, reason="issued twice")
    _pay(tenant, paid.payment_code, 2300, "t-1")
    before = SUSPENSE_OPENED_TOTAL.labels("wechatpay")._value.get()
    unknown = "4400002600000000000" + luhn_digit("4400002600000000000")
    outcomes = [
        _pay(tenant, unknown, 999, "t-2"),  # no such bill
        _pay(tenant, paid.payment_code, 2300, "t-3"),  # paid twice
        _pay(tenant, cancelled.payment_code, 2300, "t-4"),  # cancelled
        _pay(tenant, due.payment_code, 2299, "t-5"),  # another amount
    ]
    assert outcomes == [NotificationOutcome.SUSPENSE] * 4
    assert _pay(tenant, unknown, 999, "t-2") == NotificationOutcome.DUPLICATE
    assert ledger.balance(tenant, ledger.SUSPENSE) == 999 + 2300 + 2300 + 2299
    assert ledger.balance(tenant, ledger.channel_account("wechatpay")) == 2300 + 999 + 2300 + 2300 + 2299
    assert [e["reason"] for e in _events("payments.suspense.opened")] == [
        "unknown_code",
        "bill_not_due",
        "bill_not_due",
        "amount_mismatch",
    ]
    assert SUSPENSE_OPENED_TOTAL.labels("wechatpay")._value.get() == before + 4
    due.refresh_from_db()
    assert due.state == BillState.DUE and ledger.outstanding(due) == 2300
    assert ledger.check(tenant).ok


def test_a_payer_of_another_tenant_is_refused(tenant: Tenant) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _bill(tenant, make_citizen(make_tenant()))
    assert str(refused.value.code) == "bill_payer_unknown"
    assert not Bill.objects.filter(tenant=tenant).exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"channel": "Wechat:Pay"},
        {"channel": ""},
        {"notification_id": ""},
        {"notification_id": "n" * 97},
        {"channel_transaction": ""},
        {"channel_transaction": "t" * 65},
        {"payment_code": ""},
        {"amount_fen": 0},
        {"amount_fen": 10**12 + 1},
        {"amount_fen": 99.5},
    ],
)
def test_an_incomplete_notification_writes_nothing(
    tenant: Tenant, payer: User, changes: dict[str, Any]
) -> None:
    bill = _bill(tenant, payer)
    asked: dict[str, Any] = {
        "channel": "wechatpay",
        "notification_id": "n-1",
        "payment_code": bill.payment_code,
        "channel_transaction": "t-1",
        "amount_fen": 2300,
        **changes,
    }
    with pytest.raises(ValidationFailed) as refused:
        do_apply_channel_payment(actor=FACTORY, tenant=tenant, succeeded_at=timezone.now(), body={}, **asked)
    assert str(refused.value.code) == "payment_notification_invalid"
    assert LedgerTransaction.objects.filter(tenant=tenant).count() == 1  # the bill's issue only


def test_a_repeated_notification_that_tells_another_story_is_raised(tenant: Tenant, payer: User) -> None:
    bill = _bill(tenant, payer)
    before = CONFLICTING_NOTIFICATIONS_TOTAL.labels("wechatpay")._value.get()
    _pay(tenant, bill.payment_code, 2300, "t-7", "n-7")
    assert _pay(tenant, bill.payment_code, 2300, "t-7", "n-7") == NotificationOutcome.DUPLICATE
    assert _pay(tenant, bill.payment_code, 2300, "t-7", "n-8") == NotificationOutcome.DUPLICATE
    assert CONFLICTING_NOTIFICATIONS_TOTAL.labels("wechatpay")._value.get() == before  # the same story
    assert _pay(tenant, bill.payment_code, 9999, "t-7", "n-7") == NotificationOutcome.DUPLICATE
    assert _pay(tenant, bill.payment_code, 9999, "t-7", "n-9") == NotificationOutcome.DUPLICATE
    assert CONFLICTING_NOTIFICATIONS_TOTAL.labels("wechatpay")._value.get() == before + 2
    assert ledger.balance(tenant, ledger.channel_account("wechatpay")) == 2300  # nothing moved
    assert ledger.check(tenant).ok


def test_a_paid_bill_is_not_cancelled(tenant: Tenant, payer: User) -> None:
    bill = _bill(tenant, payer)
    _pay(tenant, bill.payment_code, 2300, "t-9")
    with pytest.raises(Conflict) as refused:
        do_cancel_bill(actor=FACTORY, bill=bill, reason="late")
    assert str(refused.value.code) == "bill_not_due"
    assert ledger.balance(tenant, ledger.revenue_account("gd-rs")) == 2300


def test_ledger_rows_cannot_be_changed(tenant: Tenant, payer: User) -> None:
    _bill(tenant, payer)
    for rows, change in (
        (LedgerEntry.objects.filter(tenant=tenant), {"amount_fen": 1}),
        (LedgerTransaction.objects.filter(tenant=tenant), {"memo": "edited"}),
    ):
        with pytest.raises(DatabaseError), databases.atomic():
            rows.update(**change)
    with pytest.raises(ledger.Unbalanced):
        ledger.post(
            tenant=tenant,
            kind="payment",  # type: ignore[arg-type]
            reference="x",
            legs=[Leg(ledger.PAYER_CLEARING, 100), Leg(ledger.SUSPENSE, -99)],
        )


def test_the_check_finds_books_that_do_not_hold(tenant: Tenant, payer: User) -> None:
    bill, other = _bill(tenant, payer), _bill(tenant, payer)
    call_command("payments", "check", "--tenant", tenant.code)  # balanced: no error
    transaction = LedgerTransaction.objects.filter(tenant=tenant).first()
    account = ledger._accounts(tenant, {ledger.SUSPENSE})[ledger.SUSPENSE]
    LedgerEntry.objects.create(tenant=tenant, transaction=transaction, account=account, amount_fen=5)
    Bill.objects.filter(pk=other.pk).update(state=BillState.PAID)  # marked paid with no payment
    found = ledger.check(tenant)
    assert len(found.problems) == 2
    assert found.problems[0] == f"transaction {transaction.reference}: 3 entries summing to 5 fen"
    assert found.problems[1].startswith(f"bill {other.number} is paid: the payer owes 2300 fen")
    assert f"bill {bill.number}" not in " ".join(found.problems)
    with pytest.raises(CommandError, match="2 problems"):
        call_command("payments", "check", "--tenant", tenant.code)


def test_the_check_finds_an_entry_slipped_in_or_a_transaction_taken_out(tenant: Tenant, payer: User) -> None:
    first, second, last = _bill(tenant, payer), _bill(tenant, payer), _bill(tenant, payer)
    assert ledger.check(tenant).ok
    issued = LedgerTransaction.objects.get(tenant=tenant, reference=f"bill:{first.number}")
    accounts = ledger._accounts(tenant, {ledger.SUSPENSE, ledger.channel_account("cash")})
    for account, amount in (
        (ledger.SUSPENSE, -500),
        (ledger.channel_account("cash"), 500),
    ):  # it still balances
        LedgerEntry.objects.create(
            tenant=tenant, transaction=issued, account=accounts[account], amount_fen=amount
        )
    for bill in (second, last):  # taken out with its entries, the bill with them
        removed = LedgerTransaction.objects.get(tenant=tenant, reference=f"bill:{bill.number}")
        LedgerEntry.objects.filter(tenant=tenant, transaction=removed).delete()
        removed.delete()
        Bill.objects.filter(pk=bill.pk).delete()
    assert ledger.check(tenant).problems == [
        f"transaction bill:{first.number}: its entries are not those it was written with",
        "transactions 2 to 3 are missing",
    ]


def test_another_persons_or_tenants_bill_answers_like_a_missing_one(tenant: Tenant, payer: User) -> None:
    bill = _bill(tenant, payer)
    elsewhere = make_tenant()
    stranger, far = make_citizen(tenant), make_citizen(elsewhere)
    assert access_bill(tenant, payer, bill.number) == bill
    answers = []
    for reader_tenant, reader, number in (
        (tenant, payer, "PB20990101000000000"),
        (tenant, stranger, bill.number),
        (elsewhere, far, bill.number),
    ):
        with pytest.raises(NotFound) as missing:
            access_bill(reader_tenant, reader, number)
        answers.append((missing.value.code, str(missing.value.message)))
    assert len(set(answers)) == 1


def test_payment_codes_catch_a_mistyped_digit() -> None:
    body = "4400002612345678901"
    code = body + luhn_digit(body)
    assert is_payment_code(code)
    for position in range(19):
        for digit in "0123456789":
            if digit != code[position]:
                assert not is_payment_code(code[:position] + digit + code[position + 1 :])
    assert (
        not is_payment_code(code[:-1]) and not is_payment_code(code + "0") and not is_payment_code("x" * 20)
    )


@pytest.mark.django_db(transaction=True)
def test_the_check_reads_one_snapshot_outside_any_transaction() -> None:
    tenant = make_tenant()
    bill = _bill(tenant, make_citizen(tenant))
    assert not databases.connection().in_atomic_block
    found = ledger.check(tenant)  # in a read transaction of its own, on either database
    assert found.ok and (found.transactions, found.bills) == (1, 1)
    assert not databases.connection().in_atomic_block
    _pay(tenant, bill.payment_code, 2300, "t-snap")  # writes go on after it
    assert ledger.check(tenant).ok
