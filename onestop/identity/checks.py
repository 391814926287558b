"""Start-up system checks of identity (``onestop check``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError

from onestop.core import databases
from onestop.core.checks import DEMO_DATA_HINT, STARTUP


@register(Tags.security, STARTUP, deploy=True)
def check_no_demo_accounts(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Outside the demo, no platform account made by `onestop demo`: its password is
    published. (The demo's tenants, with their accounts, are onestop.E004.)"""
    from onestop.identity.models import User

    if settings.ONESTOP_DEMO:
        return []
    try:
        count = User.objects.using(databases.PLATFORM).filter(demo=True).count()
    except DatabaseError:
        return []  # not migrated yet: there is nothing to find
    if not count:
        return []
    return [
        Error(
            f"{count} demo accounts are in the database; their password is published.",
            hint=DEMO_DATA_HINT,
            id="onestop.E005",
        )
    ]
