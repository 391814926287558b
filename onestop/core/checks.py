"""Start-up system checks (``onestop check``), with ids and hints."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register, run_checks
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from onestop.core.plugins import PluginConfigError, registries

INTEGRATIONS = "integrations"  # the tag of the checks `serve`, `worker` and the WSGI app run


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


@register(Tags.security, INTEGRATIONS, deploy=True)
def check_integrations(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Every enabled plugin is configured, and outside the demo none is a sandbox unless
    the operator allowed that integration's sandbox by name (ONESTOP_SANDBOX_ALLOWED).

    A sandbox SMS backend in production would let anyone read the login codes it keeps:
    the platform fails closed and does not start."""
    with translation.override(None):  # operators read the checks in the source language
        return _integration_problems()


def _integration_problems() -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    allowed = set(settings.ONESTOP_SANDBOX_ALLOWED)
    for registry in registries():
        try:
            plugin = registry.enabled()
        except ImproperlyConfigured as error:
            problems.append(Error(str(error), id="onestop.E002"))
            continue
        try:
            plugin.check_config()
        except PluginConfigError as error:
            problems.append(
                Error(
                    f"{registry.label} ({plugin.identifier}): {error}",
                    hint=error.hint or None,
                    id="onestop.E002",
                )
            )
        if plugin.is_sandbox and not settings.ONESTOP_DEMO and registry.kind not in allowed:
            real = [p.identifier for p in registry if not p.is_sandbox]
            problems.append(
                Error(
                    f"{registry.label} uses the sandbox plugin {plugin.identifier!r} outside the "
                    "demo: it delivers or checks nothing for real.",
                    hint=(
                        f"Set {registry.setting} to a real plugin ({', '.join(real) or 'none yet'}), "
                        f"or allow this sandbox explicitly with ONESTOP_SANDBOX_ALLOWED={registry.kind} "
                        "(every page then says so); ONESTOP_DEMO=1 is for demonstrations only."
                    ),
                    id="onestop.E001",
                )
            )
    return problems


def refuse_to_start_unless_safe() -> None:
    """Raise when a check of the integrations fails: what serves requests or runs the
    queue calls this before it starts."""
    errors = [m for m in run_checks(tags=[INTEGRATIONS], include_deployment_checks=True) if m.is_serious()]
    if errors:
        raise ImproperlyConfigured("\n".join(f"{m.id}: {m.msg} {m.hint or ''}" for m in errors))


@register(Tags.security, deploy=True)
def check_audit_head_key_set_apart(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    import os

    if os.environ.get("ONESTOP_AUDIT_HEAD_KEY") or os.environ.get("ONESTOP_AUDIT_HEAD_KEY_PATH"):
        return []
    return [
        Warning(
            "The key that signs the audit log's heads was generated under var/, beside the database.",
            hint="Set ONESTOP_AUDIT_HEAD_KEY_PATH to a file the database's administrators "
            "cannot reach, and ONESTOP_AUDIT_HEADS_FILE to storage outside the database "
            "server (or ONESTOP_AUDIT_HEADS_DATABASE, ONESTOP_AUDIT_WITNESS_URL).",
            id="onestop.W004",
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
            id="onestop.E003",
        )
    ]
