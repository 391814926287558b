"""Start-up system checks of tenancy (``onestop check``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register


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
