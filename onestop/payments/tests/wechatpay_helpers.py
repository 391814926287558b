"""Handing the WeChat Pay sandbox's notifications to the notification endpoint."""

from __future__ import annotations

import json

from django.test import Client
from django.urls import reverse

from onestop.payments.sandbox.wechatpay import Notification, WeChatPaySandbox

CHANNEL = "wechatpay_sandbox"


def notify_path(tenant_code: str) -> str:
    return reverse("payments:notify", args=[tenant_code, CHANNEL])


def deliver(
    client: Client,
    sandbox: WeChatPaySandbox,
    path: str,
    notification: Notification,
    *,
    headers: dict[str, str] | None = None,
    timestamp: int | None = None,
) -> int:
    """Post one notification as the sandbox sends it, signed now (or at ``timestamp``, or
    with the ``headers`` given): the endpoint's status."""
    text = json.dumps(notification.body, ensure_ascii=False)
    signed = headers or sandbox.signed_headers(text, timestamp=timestamp)
    return client.post(path, text, content_type="application/json", headers=signed).status_code


def held(sandbox: WeChatPaySandbox) -> list[Notification]:
    """The notifications the sandbox made and held back, taken from it."""
    taken, sandbox.held = sandbox.held, []
    return taken
