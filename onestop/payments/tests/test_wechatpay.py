"""WeChat Pay end to end against its sandbox server on 127.0.0.1: the plugin's signed
requests, the sandbox's signed and encrypted notifications through the real endpoint,
exactly once whatever their order or repetition, forged and replayed ones refused and
logged, and orders with no notification asked about and closed."""

from __future__ import annotations

import base64
import copy
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client
from django.utils import timezone

from onestop.core.errors import Conflict, ValidationFailed
from onestop.identity.models import User
from onestop.payments import ledger
from onestop.payments.actions import do_issue_bill, do_open_payment_order
from onestop.payments.channels import enabled_channel
from onestop.payments.models import (
    Bill,
    BillState,
    ChannelNotification,
    NotificationOutcome,
    OrderState,
    PaymentOrder,
)
from onestop.payments.sandbox.wechatpay import Behaviour, WeChatPaySandbox
from onestop.payments.sweep import settle
from onestop.payments.tests.wechatpay_helpers import CHANNEL, deliver, held, notify_path
from onestop.payments.views.notify import REJECTED_TOTAL
from onestop.tenancy.models import Tenant
from onestop.tenancy.tests.factories import FACTORY, make_tenant

pytestmark = [pytest.mark.django_db, pytest.mark.own_data]


def _bill(tenant: Tenant, payer: User, amount: int = 2300) -> Bill:
    return do_issue_bill(
        actor=FACTORY,
        tenant=tenant,
        payer=payer,
        department_code="gd-rs",
        lines=[{"name": "工本费", "name_en": "Production fee", "amount_fen": amount}],
        due_on=timezone.localdate() + timedelta(days=10),
        subject_type="case",
        subject_id=f"C{Bill.objects.count():06d}",
    )


def _order(bill: Bill, key: str = "key-00000001") -> PaymentOrder:
    channel = enabled_channel(CHANNEL)
    assert channel is not None
    return do_open_payment_order(
        actor=FACTORY,
        bill=bill,
        channel=channel,
        idempotency_key=key,
        description="工本费",
        notify_url=f"http://127.0.0.1:9/{bill.tenant.code}/payments/notify/{CHANNEL}/",
        return_url="http://127.0.0.1:9/back/",
    )


def _pay(sandbox: WeChatPaySandbox, order: PaymentOrder) -> str:
    """The payer pays at the sandbox's cashier page, as a browser does: the trade's id."""
    query = parse_qs(urlsplit(order.pay_url).query)
    page = requests.get(order.pay_url, timeout=5)
    assert page.status_code == 200 and "沙箱" in page.text and "no money moves" in page.text
    answer = requests.post(
        order.pay_url.split("?")[0],
        data={"prepay_id": query["prepay_id"][0], "redirect_url": query["redirect_url"][0], "action": "pay"},
        allow_redirects=False,
        timeout=5,
    )
    assert answer.status_code == 303 and answer.headers["Location"] == "http://127.0.0.1:9/back/"
    return sandbox.trades[order.number].transaction_id


def test_an_order_paid_at_the_channel_pays_its_bill_once(
    wechatpay: WeChatPaySandbox, tenant: Tenant, payer: User
) -> None:
    bill = _bill(tenant, payer)
    order = _order(bill)
    # The sandbox accepted the plugin's signed request and holds the order on its terms.
    trade = wechatpay.trades[order.number]
    assert (trade.total, trade.notify_url.endswith(f"/{tenant.code}/payments/notify/{CHANNEL}/")) == (
        2300,
        True,
    )
    assert (
        order.pay_url.startswith(wechatpay.base_url)
        and "redirect_url=http%3A%2F%2F127.0.0.1%3A9%2Fback%2F" in order.pay_url
    )
    transaction = _pay(wechatpay, order)
    (notification,) = held(wechatpay)
    client = Client()
    assert deliver(client, wechatpay, notify_path(tenant.code), notification) == 204
    bill.refresh_from_db()
    order.refresh_from_db()
    assert (bill.state, order.state, order.channel_transaction) == (
        BillState.PAID,
        OrderState.PAID,
        transaction,
    )
    assert ledger.balance(tenant, ledger.channel_account(CHANNEL)) == 2300
    # The same notification again (the channel did not hear us): acknowledged, nothing moves.
    assert deliver(client, wechatpay, notify_path(tenant.code), notification) == 204
    stored = ChannelNotification.objects.filter(tenant=tenant)
    assert [n.outcome for n in stored] == [NotificationOutcome.APPLIED]
    assert ledger.balance(tenant, ledger.channel_account(CHANNEL)) == 2300
    assert ledger.check(tenant).ok


def test_the_same_idempotency_key_gives_the_same_order_and_another_bill_is_refused(
    wechatpay: WeChatPaySandbox, tenant: Tenant, payer: User
) -> None:
    bill = _bill(tenant, payer)
    first = _order(bill)
    assert _order(bill).pk == first.pk
    # A payer coming back with a new key finds the open order, not a second one to pay.
    assert _order(bill, key="key-00000002").pk == first.pk
    assert PaymentOrder.objects.filter(tenant=tenant).count() == len(wechatpay.trades) == 1
    other = _bill(tenant, payer)
    with pytest.raises(Conflict) as refused:
        _order(other)
    assert getattr(refused.value, "code", None) == "idempotency_key_reused"
    with pytest.raises(ValidationFailed) as bad:
        _order(other, key="short")
    assert getattr(bad.value, "code", None) == "idempotency_key_invalid"


def _forged_elsewhere(notification: Any) -> dict[str, str]:
    """Headers of a signature by a key that is not WeChat Pay's."""
    import json

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    text = json.dumps(notification.body, ensure_ascii=False)
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.hashes import SHA256

    stamp, nonce = str(int(time.time())), "N" * 32
    signature = key.sign(f"{stamp}\n{nonce}\n{text}\n".encode(), PKCS1v15(), SHA256())
    assert key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return {
        "Wechatpay-Timestamp": stamp,
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Signature": base64.b64encode(signature).decode(),
        "Wechatpay-Serial": "",
        "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
    }


@pytest.mark.parametrize(
    "forgery", ["bad_signature", "stale", "wrong_merchant", "tampered_amount", "other_key_id"]
)
def test_a_forged_or_replayed_notification_changes_nothing_and_is_logged(
    wechatpay: WeChatPaySandbox, tenant: Tenant, payer: User, forgery: str, caplog: pytest.LogCaptureFixture
) -> None:
    bill = _bill(tenant, payer)
    order = _order(bill)
    _pay(wechatpay, order)
    (genuine,) = held(wechatpay)
    forged, options = copy.deepcopy(genuine), {}
    if forgery == "bad_signature":
        headers = _forged_elsewhere(forged)
        headers["Wechatpay-Serial"] = wechatpay.keys.platform_public_key_id
        options = {"headers": headers}
    elif forgery == "other_key_id":
        options = {"headers": _forged_elsewhere(forged)}
    elif forgery == "stale":  # a genuine notification replayed ten minutes on
        options = {"timestamp": int(time.time()) - 600}
    elif forgery == "wrong_merchant":  # genuinely signed and encrypted, for another merchant
        resource = wechatpay.resource(wechatpay.trades[order.number])
        resource["mchid"] = "1900000999"
        forged.body["resource"] = wechatpay.encrypt(resource, "transaction")
    elif forgery == "tampered_amount":  # the ciphertext changed after WeChat Pay encrypted it
        raw = bytearray(base64.b64decode(forged.body["resource"]["ciphertext"]))
        raw[5] ^= 0x01
        forged.body["resource"]["ciphertext"] = base64.b64encode(bytes(raw)).decode()
    reason = {"other_key_id": "bad_signature", "tampered_amount": "bad_signature"}.get(forgery, forgery)
    before = REJECTED_TOTAL.labels(CHANNEL, reason)._value.get()
    assert deliver(Client(), wechatpay, notify_path(tenant.code), forged, **options) == 400
    assert REJECTED_TOTAL.labels(CHANNEL, reason)._value.get() == before + 1
    assert any("refused" in record.getMessage() for record in caplog.records)
    bill.refresh_from_db()
    assert bill.state == BillState.DUE
    assert not ChannelNotification.objects.filter(tenant=tenant).exists()
    assert ledger.balance(tenant, ledger.channel_account(CHANNEL)) == 0
    # The genuine one still pays.
    assert deliver(Client(), wechatpay, notify_path(tenant.code), genuine) == 204
    bill.refresh_from_db()
    assert bill.state == BillState.PAID


def test_notifications_out_of_order_each_pay_their_own_bill(
    wechatpay: WeChatPaySandbox, tenant: Tenant, payer: User
) -> None:
    bills = [_bill(tenant, payer, amount) for amount in (100, 200, 300)]
    for number, bill in enumerate(bills):
        _pay(wechatpay, _order(bill, key=f"key-0000000{number}"))
    notifications = held(wechatpay)
    client = Client()
    for notification in [*reversed(notifications), notifications[1]]:
        assert deliver(client, wechatpay, notify_path(tenant.code), notification) == 204
    assert [b.state for b in Bill.objects.filter(tenant=tenant).order_by("id")] == [BillState.PAID] * 3
    assert ledger.balance(tenant, ledger.channel_account(CHANNEL)) == 600
    assert ledger.check(tenant).ok


def test_an_order_the_channel_sent_no_word_of_is_asked_about_and_a_late_word_changes_nothing(
    wechatpay: WeChatPaySandbox, tenant: Tenant, payer: User
) -> None:
    bill = _bill(tenant, payer)
    order = _order(bill)
    _pay(wechatpay, order)
    assert settle(actor=FACTORY, order=order) == "applied"
    bill.refresh_from_db()
    assert bill.state == BillState.PAID
    (late,) = held(wechatpay)
    assert deliver(Client(), wechatpay, notify_path(tenant.code), late) == 204
    assert ledger.balance(tenant, ledger.channel_account(CHANNEL)) == 2300
    outcomes = sorted(ChannelNotification.objects.filter(tenant=tenant).values_list("outcome", flat=True))
    assert outcomes == [NotificationOutcome.APPLIED, NotificationOutcome.DUPLICATE]
    assert ledger.check(tenant).ok


def test_an_expired_order_is_closed_at_the_channel_and_can_no_longer_be_paid(
    wechatpay: WeChatPaySandbox, tenant: Tenant, payer: User
) -> None:
    bill = _bill(tenant, payer)
    order = _order(bill)
    assert settle(actor=FACTORY, order=order) == "open"  # not yet expired: the payer may still pay
    PaymentOrder.objects.filter(tenant=tenant, pk=order.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    order.refresh_from_db()
    assert settle(actor=FACTORY, order=order) == "closed"
    order.refresh_from_db()
    assert order.state == OrderState.CLOSED and wechatpay.trades[order.number].state == "CLOSED"
    page = requests.get(order.pay_url, timeout=5)
    assert "This order is closed" in page.text and "确认支付" not in page.text
    # A new order for the bill is a new order, with the channel too.
    fresh = _order(bill, key="key-00000009")
    assert fresh.pk != order.pk and fresh.state == OrderState.OPEN


def test_the_sandbox_refuses_an_unsigned_or_wrongly_signed_request(wechatpay: WeChatPaySandbox) -> None:
    body = {"appid": wechatpay.keys.appid, "mchid": wechatpay.keys.mchid, "out_trade_no": "PO1234567"}
    unsigned = requests.post(f"{wechatpay.base_url}/v3/pay/transactions/h5", json=body, timeout=5)
    assert (unsigned.status_code, unsigned.json()["code"]) == (401, "SIGN_ERROR")
    forged = requests.post(
        f"{wechatpay.base_url}/v3/pay/transactions/h5",
        json=body,
        headers={
            "Authorization": f'WECHATPAY2-SHA256-RSA2048 mchid="{wechatpay.keys.mchid}",nonce_str="x",signature="AAAA",timestamp="{int(time.time())}",serial_no="{wechatpay.keys.merchant_serial_no}"'
        },
        timeout=5,
    )
    assert forged.status_code == 401
    assert not wechatpay.trades


def test_the_sandbox_sends_signed_notifications_again_until_answered_and_duplicates_when_asked(
    wechatpay: WeChatPaySandbox, tenant: Tenant, payer: User
) -> None:
    """The sandbox's own sending, over HTTP: a notification not answered with 204 comes
    again, each copy signed anew, and every copy verifies with the plugin."""
    received: list[tuple[dict[str, str], bytes]] = []
    enough = threading.Event()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append((dict(self.headers), self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(500 if len(received) == 1 else 204)
            self.send_header("Content-Length", "0")
            self.end_headers()
            if len(received) == 3:
                enough.set()

        def log_message(self, *args: Any) -> None:
            pass

    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    try:
        wechatpay.behaviour = Behaviour(duplicates=1)
        bill = _bill(tenant, payer)
        channel = enabled_channel(CHANNEL)
        assert channel is not None
        order = do_open_payment_order(
            actor=FACTORY,
            bill=bill,
            channel=channel,
            idempotency_key="key-00000001",
            description="工本费",
            notify_url=f"http://127.0.0.1:{receiver.server_address[1]}/notify/",
            return_url="http://127.0.0.1:9/back/",
        )
        _pay(wechatpay, order)
        assert enough.wait(timeout=20)  # the first copy refused, sent again; the duplicate
    finally:
        receiver.shutdown()
        receiver.server_close()
    payments = [channel.verify_notification(headers, body) for headers, body in received]
    assert len({p.notification_id for p in payments}) == 1  # one notification, three sendings
    assert {(p.order_number, p.amount_fen) for p in payments} == {(order.number, 2300)}
    assert len({headers["Wechatpay-Nonce"] for headers, _ in received}) == 3  # each signed anew


def test_a_genuine_notification_replayed_at_another_tenants_address_changes_nothing(
    wechatpay: WeChatPaySandbox, tenant: Tenant, payer: User
) -> None:
    order = _order(_bill(tenant, payer))
    _pay(wechatpay, order)
    (genuine,) = held(wechatpay)
    elsewhere = make_tenant()
    assert deliver(Client(), wechatpay, notify_path(elsewhere.code), genuine) == 400
    assert not ChannelNotification.objects.filter(tenant=elsewhere).exists()
    assert ledger.balance(elsewhere, ledger.channel_account(CHANNEL)) == 0
    assert deliver(Client(), wechatpay, notify_path(tenant.code), genuine) == 204


def test_the_pay_form_sent_again_after_the_bill_was_paid_or_the_order_expired_is_refused(
    wechatpay: WeChatPaySandbox, tenant: Tenant, payer: User
) -> None:
    bill = _bill(tenant, payer)
    order = _order(bill)
    PaymentOrder.objects.filter(tenant=tenant, pk=order.pk).update(expires_at=timezone.now())
    with pytest.raises(Conflict) as expired:
        _order(bill)
    assert expired.value.code == "order_closed"
    fresh = _order(bill, key="key-00000002")
    _pay(wechatpay, fresh)
    assert settle(actor=FACTORY, order=fresh) == "applied"
    with pytest.raises(Conflict) as paid:
        _order(bill, key="key-00000002")
    assert paid.value.code == "bill_not_due"
    assert len(wechatpay.trades) == 2
