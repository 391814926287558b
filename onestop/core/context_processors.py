"""What every page needs to know of the installation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from onestop.core.plugins import enabled_sandboxes


def sandboxes(request: HttpRequest) -> dict[str, Any]:
    """Outside the demo, the integrations an operator allowed to run as sandboxes: every
    page says so, since what they "deliver" reaches nobody."""
    if settings.ONESTOP_DEMO:
        # The demo served in production mode (`ONESTOP_DEMO=1 make prod`) says so on every page.
        return {"demo_marked": settings.ONESTOP_MARK_DEMO}
    labels = dict.fromkeys(str(registry.label) for registry, _ in enabled_sandboxes())  # once each
    return {"sandbox_integrations": list(labels)}
