"""Start-up system checks (``onestop check``), with ids and hints."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register


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


@register(Tags.security, deploy=True)
def check_audit_head_key_set_apart(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    import os

    if os.environ.get("ONESTOP_AUDIT_HEAD_KEY") or os.environ.get("ONESTOP_AUDIT_HEAD_KEY_PATH"):
        return []
    return [
        Warning(
            "The key that signs the audit log's heads was generated under var/, beside the "
            "database.",
            hint="Set ONESTOP_AUDIT_HEAD_KEY_PATH to a file the database's administrators "
            "cannot reach, and ONESTOP_AUDIT_HEADS_FILE to storage outside the database "
            "server (or ONESTOP_AUDIT_HEADS_DATABASE, ONESTOP_AUDIT_WITNESS_URL).",
            id="onestop.W003",
        )
    ]


@register()
def check_audit_heads_database(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    alias = settings.ONESTOP_AUDIT_HEADS_DATABASE
    if not alias or alias in settings.DATABASES:
        return []
    return [
        Error(
            f"ONESTOP_AUDIT_HEADS_DATABASE names {alias!r}, which is not a configured database.",
            hint="Name one of ONESTOP_DATABASES (or leave it empty).",
            id="onestop.E001",
        )
    ]
