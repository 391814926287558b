"""Start-up system checks (``onestop check``), with ids and hints."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.staticfiles, deploy=True)
def check_static_files_collected(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG or not getattr(settings, "WHITENOISE_USE_FINDERS", False):
        return []
    return [
        Warning(
            "Static files are served from the app folders because collectstatic has not run.",
            hint="Run `onestop collectstatic` for compressed, cache-busting static files.",
            id="onestop.W001",
        )
    ]


@register(Tags.security, deploy=True)
def check_secret_key_from_environment(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    import os

    if os.environ.get("ONESTOP_SECRET_KEY"):
        return []
    return [
        Warning(
            "The secret key was generated and is kept in var/secret_key.",
            hint="Set ONESTOP_SECRET_KEY in production so that every server shares it.",
            id="onestop.W002",
        )
    ]
