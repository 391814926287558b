"""Start-up system checks of the open platform (``onestop check``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security, deploy=True)
def check_webhooks_leave_the_machine(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Partners' webhooks may not reach this machine's own services in production."""
    if settings.ONESTOP_DEMO or not settings.ONESTOP_WEBHOOK_ALLOW_LOOPBACK:
        return []
    return [
        Error(
            "Webhooks may target loopback addresses: a partner could make the platform call its own services.",
            hint="Set ONESTOP_WEBHOOK_ALLOW_LOOPBACK=0 (it follows ONESTOP_HTTPS when unset).",
            id="onestop.E012",
        )
    ]
