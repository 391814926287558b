"""Sending email through the enabled backend (ONESTOP_EMAIL_BACKEND, "sandbox" in the demo)."""

from __future__ import annotations

import abc
import re
import secrets

from django.utils.translation import gettext_lazy as _

from onestop.core.crypto import encrypt, keyed_hash
from onestop.core.errors import OnestopError
from onestop.core.plugins import Plugin, Registry
from onestop.messaging.error_codes import MessagingErrorCode
from onestop.messaging.models import SandboxEmail
from onestop.tenancy.models import Tenant

ADDRESS = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[a-zA-Z]{2,}$")


class EmailRejected(OnestopError):
    status = 422


class EmailUnavailable(EmailRejected):
    """The mail server is out of reach or refuses the platform's own settings; the outbox
    relay sends again later."""

    status = 503


def is_email(address: str) -> bool:
    return bool(ADDRESS.match(address or ""))


def mask_email(address: str) -> str:
    local, _sep, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


def email_hash(address: str) -> str:
    return keyed_hash("email", address.strip().lower())


class EmailBackend(Plugin, abc.ABC):
    def check(self, to: str, subject: str, body: str) -> None:
        if not is_email(to):
            raise EmailRejected(
                MessagingErrorCode.EMAIL_ADDRESS_INVALID,
                _("Enter a valid email address."),
                field="email",
            )
        if not subject.strip() or len(subject) > 200 or not body.strip():
            raise EmailRejected(MessagingErrorCode.EMAIL_INVALID, _("The email needs a subject and a text."))

    @abc.abstractmethod
    def send(self, *, tenant: Tenant, to: str, subject: str, body: str) -> str: ...


email_backends: Registry[EmailBackend] = Registry(
    kind="email", label=_("Email"), setting="ONESTOP_EMAIL_BACKEND"
)


@email_backends.register("sandbox")
class SandboxEmailBackend(EmailBackend):
    """Keeps emails instead of sending them, the address encrypted."""

    verbose_name = _("Sandbox email (messages are kept, not sent)")
    is_sandbox = True

    def send(self, *, tenant: Tenant, to: str, subject: str, body: str) -> str:
        self.check(to, subject, body)
        message_id = f"sandbox-{secrets.token_hex(8)}"
        SandboxEmail.objects.create(
            tenant=tenant,
            message_id=message_id,
            to_encrypted=encrypt(to),
            to_hash=email_hash(to),
            to_masked=mask_email(to),
            subject=subject,
            body=body,
        )
        return message_id


def email_backend() -> EmailBackend:
    return email_backends.enabled()
