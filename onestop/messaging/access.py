"""Reads of messages, within one tenant."""

from __future__ import annotations

from django.db.models import QuerySet

from onestop.messaging.models import SandboxSms
from onestop.messaging.phones import normalize_phone, phone_hash
from onestop.tenancy.models import Tenant


def sandbox_messages(tenant: Tenant, *, phone: str = "") -> QuerySet[SandboxSms]:
    messages = SandboxSms.objects.filter(tenant=tenant)
    if phone:
        messages = messages.filter(phone_hash=phone_hash(normalize_phone(phone)))
    return messages
