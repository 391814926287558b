"""Sending SMS through the configured backend (ONESTOP_SMS_BACKEND, default "sandbox").

A backend raises ``SmsRejected`` with a stable code for what a carrier would refuse: a
number that is no mobile number, an empty or over-long text, too many messages to one
number in a short time.
"""

from __future__ import annotations

import abc
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.core.crypto import encrypt
from onestop.core.errors import OnestopError
from onestop.core.plugins import Registry
from onestop.messaging.error_codes import MessagingErrorCode
from onestop.messaging.models import SandboxSms
from onestop.messaging.phones import is_mobile, mask_phone, phone_hash
from onestop.tenancy.models import Tenant

MAX_TEXT = 500  # seven concatenated parts of 70 Chinese characters


class SmsRejected(OnestopError):
    status = 422


@dataclass(frozen=True, slots=True)
class SmsReceipt:
    message_id: str


class SmsBackend(abc.ABC):
    name: str
    is_sandbox: bool = False

    def check(self, phone: str, text: str) -> None:
        if not is_mobile(phone):
            raise SmsRejected(
                MessagingErrorCode.SMS_NUMBER_INVALID,
                _("Enter an 11-digit mobile number."),
                field="phone",
            )
        if not text.strip() or len(text) > MAX_TEXT:
            raise SmsRejected(
                MessagingErrorCode.SMS_TEXT_INVALID,
                _("The message is empty or too long."),
                field="text",
            )

    @abc.abstractmethod
    def send(self, *, tenant: Tenant, phone: str, text: str) -> SmsReceipt: ...


sms_backends: Registry[SmsBackend] = Registry("SMS backend")


@sms_backends.register("sandbox")
class SandboxSmsBackend(SmsBackend):
    """Keeps messages instead of sending them, and refuses like a carrier does: at most
    one message a second and 20 an hour to one number."""

    name = "sandbox"
    is_sandbox = True
    PER_HOUR = 20

    def send(self, *, tenant: Tenant, phone: str, text: str) -> SmsReceipt:
        self.check(phone, text)
        hashed = phone_hash(phone)
        recent = SandboxSms.objects.filter(
            phone_hash=hashed, sent_at__gte=timezone.now() - timedelta(hours=1)
        ).values_list("sent_at", flat=True)
        if len(recent) >= self.PER_HOUR or any(
            timezone.now() - sent < timedelta(seconds=1) for sent in recent
        ):
            raise SmsRejected(
                MessagingErrorCode.SMS_RATE_LIMITED,
                _("Too many messages to this number; try later."),
            )
        receipt = SmsReceipt(message_id=f"sandbox-{secrets.token_hex(8)}")
        SandboxSms.objects.create(
            tenant=tenant,
            message_id=receipt.message_id,
            phone_encrypted=encrypt(phone),
            phone_hash=hashed,
            phone_masked=mask_phone(phone),
            text=text,
        )
        return receipt


def sms_backend() -> SmsBackend:
    return sms_backends.create(settings.ONESTOP_SMS_BACKEND)
