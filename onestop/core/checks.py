"""Start-up system checks (``onestop check``), with ids and hints."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register, run_checks
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from onestop.core.plugins import Plugin, PluginConfigError, Registry, registries

# The tags of the checks `serve`, `worker` and the WSGI application run before they start.
INTEGRATIONS = "integrations"  # every enabled plugin configured, no sandbox outside the demo
STARTUP = "startup"  # no demo data outside the demo
STARTUP_TAGS = [INTEGRATIONS, STARTUP]
DEMO_DATA_HINT = (
    "Production starts from an empty database (`onestop createoperator` makes the first operator). "
    "To show the demo on a production set-up, set ONESTOP_DEMO=1: every page then says it is a demonstration."
)


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
def check_keys_provided(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Keys come from the operator (environment or key files at configured paths), never
    generated beside the database: a copy of the database and var/ together would hold
    both the data and the keys that open it. The audit key lives apart from the others."""
    from onestop.core import crypto

    problems: list[CheckMessage] = []
    if crypto.key_source("secret") == crypto.GENERATED:
        problems.append(
            Error(
                "The secret key was generated into var/, beside the database.",
                hint="Set ONESTOP_SECRET_KEY, or ONESTOP_SECRET_KEY_FILE to a file only onestop reads "
                "(`onestop keys init DIR` writes one); every server must share it.",
                id="onestop.E006",
            )
        )
    for name in ("data", "hash"):
        if crypto.key_source(name) == crypto.GENERATED:
            problems.append(
                Error(
                    f"The {name} key was generated into var/keys.json, beside the database.",
                    hint="Set ONESTOP_DATA_KEYS and ONESTOP_HASH_KEY, or ONESTOP_KEYS_FILE "
                    "(`onestop keys init DIR` writes one); keep a copy apart from the backups.",
                    id="onestop.E007",
                )
            )
    audit = crypto.key_source("audit")
    if audit == crypto.GENERATED or not crypto.audit_key_apart():
        problems.append(
            Error(
                "The audit key is not kept apart from the data keys and the database.",
                hint="Set ONESTOP_AUDIT_KEY, or ONESTOP_AUDIT_KEY_FILE to a file outside var/ and "
                "not in ONESTOP_KEYS_FILE: whoever can rewrite the database must not hold it.",
                id="onestop.E008",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def check_served_safely(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Production answers only its own host names, over HTTPS."""
    problems: list[CheckMessage] = []
    if set(settings.ALLOWED_HOSTS) <= set(settings.ONESTOP_LOCAL_HOSTS):
        problems.append(
            Error(
                "ALLOWED_HOSTS is the local default: nobody can reach the platform by its name.",
                hint="Set ONESTOP_ALLOWED_HOSTS to the platform's host names, comma-separated.",
                id="onestop.E010",
            )
        )
    hsts = int(getattr(settings, "SECURE_HSTS_SECONDS", 0) or 0)
    if not (settings.SESSION_COOKIE_SECURE and hsts):
        problems.append(
            Error(
                "HTTPS is off: cookies may travel in the clear and browsers are not told to insist on HTTPS.",
                hint="Serve behind TLS and set ONESTOP_HTTPS=1 (secure cookies, HSTS, redirect to https).",
                id="onestop.E011",
            )
        )
    return problems


@register(Tags.database, deploy=True)
def check_pool_fits_the_database(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Every process's pool at its largest fits PostgreSQL's max_connections (less the
    superuser's reserve and room for an operator's session)."""
    import os

    from django.db import DatabaseError, connections

    problems: list[CheckMessage] = []
    processes = int(os.environ.get("ONESTOP_WORKERS", "1")) + 1  # the servers and the worker
    for alias, database in settings.DATABASES.items():
        options: dict[str, Any] = database.get("OPTIONS") or {}  # type: ignore[assignment]
        pool = options.get("pool")
        if not pool or "postgresql" not in str(database.get("ENGINE")):
            continue
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute(
                    "SELECT current_setting('max_connections')::int"
                    " - current_setting('superuser_reserved_connections')::int"
                )
                allowed = int(cursor.fetchone()[0]) - 5
        except DatabaseError as error:
            problems.append(
                Warning(
                    f"Database {alias!r} could not be asked its max_connections: {error}", id="onestop.W006"
                )
            )
            continue
        wanted = processes * int(pool.get("max_size", 4))
        if wanted > allowed:
            problems.append(
                Error(
                    f"Database {alias!r}: {processes} processes with pools of up to {pool.get('max_size')} "
                    f"connections may open {wanted}; the database allows {allowed} (max_connections "
                    "less the superuser's reserve and 5 for operators).",
                    hint="Lower ONESTOP_DB_POOL_MAX or ONESTOP_WORKERS, or raise max_connections.",
                    id="onestop.E013",
                )
            )
    return problems


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
            plugins = registry.enabled_plugins()
        except ImproperlyConfigured as error:
            problems.append(Error(str(error), id="onestop.E002"))
            continue
        for plugin in plugins:
            problems.extend(_plugin_problems(registry, plugin, allowed))
    return problems


def _plugin_problems(registry: Registry[Plugin], plugin: Plugin, allowed: set[str]) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
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
    checked = run_checks(tags=STARTUP_TAGS, include_deployment_checks=True)
    errors = [m for m in checked if m.is_serious()]
    if errors:
        raise ImproperlyConfigured("\n".join(f"{m.id}: {m.msg} {m.hint or ''}" for m in errors))


@register(Tags.security, deploy=True)
def check_audit_head_key_set_apart(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    import os

    if os.environ.get("ONESTOP_AUDIT_HEAD_KEY") or os.environ.get("ONESTOP_AUDIT_HEAD_KEY_PATH"):
        return []
    return [
        Error(
            "The key that signs the audit log's heads was generated under var/, beside the database.",
            hint="Set ONESTOP_AUDIT_HEAD_KEY_PATH to a file the database's administrators "
            "cannot reach, and ONESTOP_AUDIT_HEADS_FILE to storage outside the database "
            "server (or ONESTOP_AUDIT_HEADS_DATABASE, ONESTOP_AUDIT_WITNESS_URL).",
            id="onestop.E009",
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
