"""Reads of messages, within one tenant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from onestop.messaging.models import SandboxSms
from onestop.messaging.phones import normalize_phone, phone_hash
from onestop.messaging.sms import sms_backend
from onestop.tenancy.models import Tenant


def sandbox_messages(tenant: Tenant, *, phone: str = "") -> QuerySet[SandboxSms]:
    messages = SandboxSms.objects.filter(tenant=tenant)
    if phone:
        messages = messages.filter(phone_hash=phone_hash(normalize_phone(phone)))
    return messages


def sandbox_sms_enabled() -> bool:
    """Whether the sandbox keeps this installation's texts (its outbox pages exist only then)."""
    return sms_backend().is_sandbox


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    sent_at: datetime
    to: str  # masked
    text: str


def sandbox_outbox(
    tenant: Tenant, *, viewer_phone_hash: str, phone: str = "", limit: int = 50
) -> list[OutboxEntry]:
    """The tenant's kept texts, newest first, as a given person may see them: one-time
    codes blotted out except in texts sent to the viewer's own phone."""
    return [
        OutboxEntry(m.sent_at, m.phone_masked, m.text_for(viewer_phone_hash))
        for m in sandbox_messages(tenant, phone=phone)[:limit]
    ]
