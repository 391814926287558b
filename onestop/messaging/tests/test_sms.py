"""The sandbox SMS backend refuses what a carrier refuses and keeps what it accepts."""

from __future__ import annotations

import pytest

from onestop.messaging.access import sandbox_messages
from onestop.messaging.phones import mask_phone, normalize_phone
from onestop.messaging.sms import SmsMessage, SmsRejected, SmsTemplate, sms_backend
from onestop.tenancy.access import access_tenant_by_code

pytestmark = pytest.mark.django_db


def _text(text: str) -> SmsMessage:
    return SmsMessage(SmsTemplate.CASE_UPDATE, text, {"case": "", "summary": text})


def test_numbers_are_normalised_and_masked() -> None:
    assert normalize_phone("+86 138-0013-8000") == normalize_phone("008613800138000") == "13800138000"
    assert mask_phone("13800138000") == "138****8000"


@pytest.mark.parametrize(
    ("phone", "text", "code"),
    [
        ("1380013800", "hi", "sms_number_invalid"),
        ("23800138000", "hi", "sms_number_invalid"),
        ("13800138000", "", "sms_text_invalid"),
        ("13800138000", "长" * 501, "sms_text_invalid"),
    ],
)
def test_what_a_carrier_refuses_is_refused(phone: str, text: str, code: str) -> None:
    with pytest.raises(SmsRejected) as raised:
        sms_backend().send(tenant=access_tenant_by_code("gd"), phone=phone, message=_text(text))
    assert raised.value.code == code


def test_accepted_messages_are_kept_with_the_number_encrypted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tenant = access_tenant_by_code("gd")
    receipt = sms_backend().send(tenant=tenant, phone="13800138999", message=_text("测试短信"))
    message = sandbox_messages(tenant, phone="13800138999").get()
    assert message.message_id == receipt.message_id and message.phone_masked == "138****8999"
    assert "13800138999" not in message.phone_encrypted
    with pytest.raises(SmsRejected) as raised:  # a second one within the second
        sms_backend().send(tenant=tenant, phone="13800138999", message=_text("again"))
    assert raised.value.code == "sms_rate_limited"
