"""The payer's pages: my payments, a bill and its channels, paying through the sandbox and
coming back; another person's or tenant's bill answers like a missing one."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client
from django.utils import timezone

from onestop.identity.models import User
from onestop.identity.tests.factories import client_of, make_citizen
from onestop.payments.actions import do_issue_bill
from onestop.payments.models import Bill, BillState, OrderState, PaymentOrder
from onestop.payments.sandbox.wechatpay import WeChatPaySandbox
from onestop.payments.tests.wechatpay_helpers import CHANNEL, deliver, held, notify_path
from onestop.tenancy.models import Tenant
from onestop.tenancy.tests.factories import FACTORY, make_tenant

pytestmark = [pytest.mark.django_db, pytest.mark.own_data]


def _bill(tenant: Tenant, payer: User) -> Bill:
    return do_issue_bill(
        actor=FACTORY,
        tenant=tenant,
        payer=payer,
        department_code="gd-rs",
        lines=[{"name": "工本费", "name_en": "Production fee", "amount_fen": 1250}],
        due_on=timezone.localdate() + timedelta(days=10),
    )


def test_the_payer_pays_a_bill_from_its_page_and_sees_it_paid(
    wechatpay: WeChatPaySandbox, tenant: Tenant, payer: User
) -> None:
    bill = _bill(tenant, payer)
    client = client_of(payer)
    mine = client.get(f"/{tenant.code}/me/payments/", headers={"accept-language": "en"}).content.decode()
    assert bill.number in mine and "¥12.50" in mine
    page = client.get(f"/{tenant.code}/me/payments/{bill.number}/").content.decode()
    assert 'value="wechatpay_sandbox"' in page and bill.payment_code in page and "沙箱" in page
    key = page.split('name="idempotency_key" value="')[1].split('"')[0]
    pay = client.post(
        f"/{tenant.code}/me/payments/{bill.number}/pay/", {"channel": CHANNEL, "idempotency_key": key}
    )
    assert pay.status_code == 302 and pay["Location"].startswith(wechatpay.base_url)
    # The form sent twice: the same order, not a second one.
    again = client.post(
        f"/{tenant.code}/me/payments/{bill.number}/pay/", {"channel": CHANNEL, "idempotency_key": key}
    )
    assert again["Location"] == pay["Location"]
    assert PaymentOrder.objects.filter(tenant=tenant).count() == 1
    query = parse_qs(urlsplit(pay["Location"]).query)
    back = requests.post(
        pay["Location"].split("?")[0],
        data={"prepay_id": query["prepay_id"][0], "redirect_url": query["redirect_url"][0], "action": "pay"},
        allow_redirects=False,
        timeout=5,
    )
    assert back.headers["Location"] == f"http://testserver/{tenant.code}/me/payments/{bill.number}/return/"
    # Back before the notification: the channel is asked at once and the bill shows paid.
    returned = client.get(f"/{tenant.code}/me/payments/{bill.number}/return/", follow=True).content.decode()
    assert "缴费成功" in returned and "已缴费" in returned
    bill.refresh_from_db()
    assert bill.state == BillState.PAID
    assert PaymentOrder.objects.get(tenant=tenant).state == OrderState.PAID
    (late,) = held(wechatpay)
    assert deliver(Client(), wechatpay, notify_path(tenant.code), late) == 204


def test_without_a_channel_chosen_the_page_says_so(
    wechatpay: WeChatPaySandbox, tenant: Tenant, payer: User
) -> None:
    bill = _bill(tenant, payer)
    client = client_of(payer)
    answer = client.post(
        f"/{tenant.code}/me/payments/{bill.number}/pay/",
        {"channel": "nowhere", "idempotency_key": "k" * 16},
        follow=True,
    )
    assert "请选择支付方式" in answer.content.decode()
    assert not PaymentOrder.objects.filter(tenant=tenant).exists()


def test_another_persons_or_tenants_bill_answers_like_a_missing_one(
    wechatpay: WeChatPaySandbox, tenant: Tenant, payer: User
) -> None:
    bill = _bill(tenant, payer)
    stranger = client_of(make_citizen(tenant, name="李路人"))
    elsewhere = make_tenant(code="hb")
    nobody = "PB20990101000000000"
    for path in (f"/{tenant.code}/me/payments/{{}}/", f"/{tenant.code}/me/payments/{{}}/return/"):
        missing = stranger.get(path.format(nobody))
        answer = stranger.get(path.format(bill.number))
        assert answer.status_code == missing.status_code == 404
        assert answer.content.decode().replace(bill.number, nobody) == missing.content.decode()
    assert (
        stranger.post(
            f"/{tenant.code}/me/payments/{bill.number}/pay/",
            {"channel": CHANNEL, "idempotency_key": "k" * 16},
        ).status_code
        == 404
    )
    outsider = client_of(make_citizen(elsewhere, name="王外省"))
    assert outsider.get(f"/{elsewhere.code}/me/payments/{bill.number}/").status_code == 404
    assert not PaymentOrder.objects.filter(tenant=tenant).exists()
    assert (
        Client()
        .post(f"/{tenant.code}/payments/notify/nochannel/", "{}", content_type="application/json")
        .status_code
        == 404
    )
