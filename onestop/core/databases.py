"""Which database a piece of work runs on: the platform's, or the one its tenant lives on.

The default database is the platform's: the tenant directory, platform accounts, the
partner registry and the task queue live there, and so does every tenant placed on it. A
tenant can be placed on a database of its own (``ONESTOP_DATABASES``): then all its rows —
accounts, catalogue, cases, certificates, its audit chain and outbox — live there.

The database of the work at hand is a context variable: the tenancy middleware sets it
from the tenant in the URL, tasks and commands set it with :func:`using`. The router sends
every model there except the platform's own (``ONESTOP_PLATFORM_MODELS``: sessions, the
partner registry, the calendar), which always live on the default database; a row read
from a database is written back there. Transactions follow the same choice through :func:`atomic`
and :func:`on_commit`, which replace ``django.db.transaction``'s default-database ones.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from functools import cache
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

T = TypeVar("T")
logger = logging.getLogger(__name__)

_current: ContextVar[str] = ContextVar("onestop_database", default=DEFAULT_DB_ALIAS)

PLATFORM = DEFAULT_DB_ALIAS


def current() -> str:
    """The alias of the database the work at hand runs on."""
    return _current.get()


@contextmanager
def using(alias: str) -> Iterator[str]:
    """Run the block on the database ``alias``."""
    if alias not in settings.DATABASES:
        raise KeyError(f"no database {alias!r} in DATABASES")
    token = _current.set(alias)
    try:
        yield alias
    finally:
        _current.reset(token)


def enter(alias: str) -> Token[str]:
    """Make ``alias`` the current database until :func:`leave` (for middleware, which
    cannot wrap the request in a ``with`` block)."""
    return _current.set(alias)


def leave(token: Token[str]) -> None:
    _current.reset(token)


def aliases() -> list[str]:
    """Every configured database, the platform's first."""
    return [PLATFORM, *sorted(a for a in settings.DATABASES if a != PLATFORM)]


def on_each(work: Callable[[], T]) -> list[T]:
    """Run ``work`` on every database in turn (background sweeps); a database that fails
    is logged and skipped, so that one database's trouble never stops the others' work."""
    done: list[T] = []
    for alias in aliases():
        try:
            with using(alias):
                done.append(work())
        except Exception:
            logger.exception("background work failed on database %s", alias)
    return done


def atomic(**kwargs: Any) -> transaction.Atomic:
    """``transaction.atomic`` on the current database."""
    return transaction.atomic(using=current(), **kwargs)


def action() -> transaction.Atomic:
    """An action's transaction, on the current database: durable, so that no action runs
    inside another's (Django refuses a durable block nested in a transaction). A step that
    belongs to several actions is a function they call inside theirs, not an action."""
    return transaction.atomic(using=current(), durable=True)


def on_commit(func: Callable[[], Any]) -> None:
    """``transaction.on_commit`` on the current database."""
    transaction.on_commit(func, using=current())


def connection() -> BaseDatabaseWrapper:
    """The connection to the current database."""
    return connections[current()]


def id_block(alias: str) -> int:
    """Where a database's ids start: each database numbers its rows from its own block, so
    a tenant's rows keep their ids when it moves to another database."""
    return int(str(settings.DATABASES[alias].get("ID_BLOCK", 0))) * ID_BLOCK_SIZE


ID_BLOCK_SIZE = 1 << 40


def start_ids_in_block(alias: str) -> None:
    """Make every table of the database ``alias`` number new rows inside its own block
    (after the highest id there in that block): rows that arrive from another database
    keep their ids, and new ones never take an id another database may give out."""
    from django.apps import apps
    from django.db.models import BigAutoField

    start = id_block(alias)
    end = start + ID_BLOCK_SIZE
    connection = connections[alias]
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            meta = model._meta
            if meta.proxy or not meta.managed or not isinstance(meta.pk, BigAutoField):
                continue  # 32-bit ids (Django's own content types, permissions) stay as they are
            table, column = (
                connection.ops.quote_name(meta.db_table),
                connection.ops.quote_name(meta.pk.column),
            )
            cursor.execute(
                f"SELECT MAX({column}) FROM {table} WHERE {column} >= %s AND {column} < %s",  # noqa: S608
                [start, end],
            )
            highest = cursor.fetchone()[0] or start
            # Never lowered: an id once given out (to a row since moved away) stays taken.
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, meta.pk.column])
                sequence = cursor.fetchone()[0]
                cursor.execute(f"SELECT last_value FROM {sequence}")  # noqa: S608 (the catalogue's name)
                if highest > cursor.fetchone()[0]:
                    cursor.execute("SELECT setval(%s, %s)", [sequence, highest])
            elif connection.vendor == "sqlite":
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [meta.db_table])
                found = cursor.fetchone()
                if found is None:
                    cursor.execute(
                        "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [meta.db_table, highest]
                    )
                elif highest > found[0]:
                    cursor.execute(
                        "UPDATE sqlite_sequence SET seq = %s WHERE name = %s",
                        [highest, meta.db_table],
                    )


def _platform_model(model: type[Model]) -> bool:
    meta = model._meta
    return meta.app_label in _PLATFORM_APPS or meta.label_lower in platform_labels()


_PLATFORM_APPS = frozenset({"django_tasks_database"})


@cache
def platform_labels() -> frozenset[str]:
    """The models that always live on the default database (``ONESTOP_PLATFORM_MODELS``)."""
    return frozenset(getattr(settings, "ONESTOP_PLATFORM_MODELS", ()))


def _route(model: type[Model], hints: dict[str, Any]) -> str:
    if _platform_model(model):
        return PLATFORM
    instance = hints.get("instance")
    if instance is not None and instance._state.db:  # a row read from a database stays there
        return str(instance._state.db)
    return current()


class DatabaseRouter:
    """Every model to the current database; the platform's own models to the default one.

    Every database carries the whole schema, so a tenant can be moved to any of them."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        return _route(model, hints)

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return _route(model, hints)

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return True


def parse_databases(raw: str) -> dict[str, dict[str, Any]]:
    """``ONESTOP_DATABASES``: a JSON object of aliases, each with its ``url`` and its id
    ``block`` (a whole number from 1, different for every database)."""
    if not raw.strip():
        return {}
    import dj_database_url

    described = json.loads(raw)
    if not isinstance(described, dict):
        raise ValueError("ONESTOP_DATABASES must be a JSON object of aliases")
    databases: dict[str, dict[str, Any]] = {}
    blocks: set[int] = set()
    for alias, spec in described.items():
        if alias == PLATFORM or not isinstance(spec, dict) or "url" not in spec:
            raise ValueError(f"ONESTOP_DATABASES[{alias!r}] needs a url and another name")
        block = int(spec.get("block", 0))
        if block < 1 or block in blocks:
            raise ValueError(f"ONESTOP_DATABASES[{alias!r}] needs its own block (1 or more)")
        blocks.add(block)
        database: dict[str, Any] = dict(dj_database_url.parse(spec["url"]))
        database["ID_BLOCK"] = block
        databases[alias] = database
    return databases


def add_databases(configured: dict[str, dict[str, Any]], raw: str) -> None:
    """Add the databases ``raw`` describes to the settings' ``DATABASES``, each tuned like
    the default one when it has the same engine (SQLite's pragmas, PostgreSQL's pool)."""
    from onestop.core.sqlite import ENGINE as SQLITE
    from onestop.core.sqlite import is_sqlite

    default = configured[PLATFORM]
    for alias, database in parse_databases(raw).items():
        if is_sqlite(database["ENGINE"]):
            database["ENGINE"] = SQLITE  # writers take turns on every SQLite database
        same = database["ENGINE"] == default["ENGINE"]
        database["OPTIONS"] = dict(default.get("OPTIONS", {})) if same else {}
        if is_sqlite(database["ENGINE"]):
            database["TEST"] = {"NAME": None}
            database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"] = None, True
        configured[alias] = database
