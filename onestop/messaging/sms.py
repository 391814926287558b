"""Sending SMS through the enabled backend (ONESTOP_SMS_BACKEND, "sandbox" in the demo).

Carriers in mainland China send only texts made from templates approved in advance, so a
message names its template and parameters (``SmsMessage``); the text rendered here is what
the sandbox keeps and what a person reads. A backend raises ``SmsRejected`` with a stable
code for what a carrier would refuse: a number that is no mobile number, an empty or
over-long text, too many messages to one number in a short time; ``SmsUnavailable`` when
it cannot send for now. The real providers (``onestop.messaging.providers``) send the
template's identifier and parameters only: the carrier renders the approved text.
"""

from __future__ import annotations

import abc
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.core.crypto import encrypt
from onestop.core.errors import OnestopError
from onestop.core.plugins import Plugin, Registry
from onestop.messaging.error_codes import MessagingErrorCode
from onestop.messaging.models import SandboxSms
from onestop.messaging.phones import is_mobile, mask_phone, phone_hash
from onestop.tenancy.models import Tenant

MAX_TEXT = 500  # seven concatenated parts of 70 Chinese characters
# Parameters that are secrets: shown to nobody but the phone they were sent to.
SECRET_PARAMS = frozenset({"code"})
REDACTED = "******"


class SmsTemplate(StrEnum):
    """The texts the platform sends, each approved once with the carrier.

    Parameters: ``register_code`` and ``login_code`` take ``code``; ``already_registered``
    takes none; ``case_update`` takes ``case`` (its number) and ``summary``;
    ``certificate_revoked`` takes ``certificate`` (its number) and ``summary``.
    """

    REGISTER_CODE = "register_code"
    LOGIN_CODE = "login_code"
    ALREADY_REGISTERED = "already_registered"
    CASE_UPDATE = "case_update"
    CERTIFICATE_REVOKED = "certificate_revoked"


TEMPLATE_PARAMS: dict[SmsTemplate, tuple[str, ...]] = {
    SmsTemplate.REGISTER_CODE: ("code",),
    SmsTemplate.LOGIN_CODE: ("code",),
    SmsTemplate.ALREADY_REGISTERED: (),
    SmsTemplate.CASE_UPDATE: ("case", "summary"),
    SmsTemplate.CERTIFICATE_REVOKED: ("certificate", "summary"),
}


@dataclass(frozen=True, slots=True)
class SmsMessage:
    template: SmsTemplate
    text: str  # the whole text as the person reads it, signature included
    params: Mapping[str, str] = field(default_factory=dict)

    def redacted_text(self) -> str:
        """The text with its secrets (one-time codes) blotted out."""
        text = self.text
        for name in SECRET_PARAMS:
            if value := self.params.get(name):
                text = text.replace(value, REDACTED)
        return text


class SmsRejected(OnestopError):
    status = 422


class SmsUnavailable(SmsRejected):
    """Nothing the person did: the provider is out of reach, or refuses the platform's own
    settings. The outbox relay sends again later (it retries every ``OnestopError``)."""

    status = 503


@dataclass(frozen=True, slots=True)
class SmsReceipt:
    message_id: str
    # Set by the sandbox only: the text that "reached the phone", so that the person who
    # asked for it in the demo can read it (nothing reaches a real phone).
    sandbox_text: str = ""


class SmsBackend(Plugin, abc.ABC):
    def check(self, phone: str, message: SmsMessage) -> None:
        if not is_mobile(phone):
            raise SmsRejected(
                MessagingErrorCode.SMS_NUMBER_INVALID,
                _("Enter an 11-digit mobile number."),
                field="phone",
            )
        if not message.text.strip() or len(message.text) > MAX_TEXT:
            raise SmsRejected(
                MessagingErrorCode.SMS_TEXT_INVALID,
                _("The message is empty or too long."),
                field="text",
            )

    @abc.abstractmethod
    def send(self, *, tenant: Tenant, phone: str, message: SmsMessage) -> SmsReceipt: ...


sms_backends: Registry[SmsBackend] = Registry(kind="sms", label=_("SMS"), setting="ONESTOP_SMS_BACKEND")


@sms_backends.register("sandbox")
class SandboxSmsBackend(SmsBackend):
    """Keeps messages instead of sending them, and refuses like a carrier does: at most
    one message a second and 20 an hour to one number."""

    verbose_name = _("Sandbox SMS (messages are kept, not sent)")
    is_sandbox = True
    PER_HOUR = 20

    def send(self, *, tenant: Tenant, phone: str, message: SmsMessage) -> SmsReceipt:
        self.check(phone, message)
        hashed = phone_hash(phone)
        # A carrier counts the messages to a number whoever sends them.
        recent = (
            SandboxSms.objects.platform_wide()
            .filter(phone_hash=hashed, sent_at__gte=timezone.now() - timedelta(hours=1))
            .values_list("sent_at", flat=True)
        )
        if len(recent) >= self.PER_HOUR or any(
            timezone.now() - sent < timedelta(seconds=1) for sent in recent
        ):
            raise SmsRejected(
                MessagingErrorCode.SMS_RATE_LIMITED,
                _("Too many messages to this number; try later."),
            )
        receipt = SmsReceipt(message_id=f"sandbox-{secrets.token_hex(8)}", sandbox_text=message.text)
        SandboxSms.objects.create(
            tenant=tenant,
            message_id=receipt.message_id,
            phone_encrypted=encrypt(phone),
            phone_hash=hashed,
            phone_masked=mask_phone(phone),
            template=message.template,
            text=message.text,
            text_redacted=message.redacted_text(),
        )
        return receipt


def sms_backend() -> SmsBackend:
    return sms_backends.enabled()
