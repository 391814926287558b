"""Start-up system checks of tenancy (``onestop check``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import DatabaseError

from onestop.core import databases
from onestop.core.checks import DEMO_DATA_HINT, STARTUP


@register()
def check_divisions_installed(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    folder = Path(settings.ONESTOP_DIVISIONS_DIR)
    if all((folder / name).exists() for name in ("provinces.json", "cities.json", "areas.json")):
        return []
    return [
        Warning(
            f"The table of administrative divisions (GB/T 2260) is missing from {folder}.",
            hint="Run `npm ci`: `onestop tenant create --region` reads it.",
            id="onestop.W003",
        )
    ]


@register(Tags.security, STARTUP, deploy=True)
def check_no_demo_tenants(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Outside the demo, no tenant made by `onestop demo`: fake places and people, and
    accounts whose password is published."""
    from onestop.tenancy.models import Tenant

    if settings.ONESTOP_DEMO:
        return []
    try:
        codes = list(
            Tenant.objects.using(databases.PLATFORM).filter(demo=True).values_list("code", flat=True)
        )
    except DatabaseError:
        return []  # not migrated yet: there is nothing to find
    if not codes:
        return []
    return [
        Error(
            f"Demo tenants are in the database: {', '.join(codes)}.",
            hint=DEMO_DATA_HINT,
            id="onestop.E004",
        )
    ]
