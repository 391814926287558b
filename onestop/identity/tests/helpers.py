"""Steps a citizen takes, over HTTP, for the identity tests."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.utils import timezone

from onestop.messaging.access import sandbox_messages
from onestop.tenancy.access import access_tenant_by_code

PASSWORD = "Sure-Pass-2026"


class Clock:
    """The time as the code reads it (``django.utils.timezone.now``), stopped, and moved
    on only by the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now: datetime = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class CountingHasher(MD5PasswordHasher):
    """The suite's hasher, counting the passwords it checks against a stored hash."""

    checked = 0

    def verify(self, password: str, encoded: str) -> bool:
        type(self).checked += 1
        return super().verify(password, encoded)


def retry_after(response: Any) -> int:
    """The whole seconds of a Retry-After header (a test fails if there is none)."""
    assert response.has_header("Retry-After"), f"no Retry-After on a {response.status_code}"
    return int(response["Retry-After"])


def last_sms(phone: str, tenant: str = "gd") -> str:
    message = sandbox_messages(access_tenant_by_code(tenant), phone=phone).first()
    assert message is not None, "no SMS was sent"
    return message.text


def last_code(phone: str, tenant: str = "gd") -> str:
    found = re.search(r"验证码 (\d{6})", last_sms(phone, tenant))
    assert found, "the last SMS holds no code"
    return found.group(1)


def let_a_minute_pass() -> None:
    """Move every code and message two minutes back, past the one-a-minute limits."""
    from datetime import timedelta

    from django.utils import timezone

    from onestop.identity.models import OneTimeCode
    from onestop.messaging.models import SandboxSms

    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    SandboxSms.objects.update(sent_at=timezone.now() - timedelta(minutes=2))


def register(client: Client, phone: str, password: str = PASSWORD, tenant: str = "gd"):  # type: ignore[no-untyped-def]
    url = f"/{tenant}/accounts/register/"
    client.post(url, {"step": "code", "phone": phone})
    code = last_code(phone, tenant)
    return client.post(url, {"phone": phone, "code": code, "password": password, "password_again": password})


def login(client: Client, phone: str, password: str = PASSWORD, tenant: str = "gd"):  # type: ignore[no-untyped-def]
    return client.post(
        f"/{tenant}/accounts/login/", {"method": "password", "phone": phone, "password": password}
    )
