"""Which database serves a tenant: the directory (each tenant's row, with its placement),
kept in memory for a few seconds so that routing a request and finding its tenant cost no
query, and the tenant a request was routed for.

The tenancy middleware routes a request by the tenant in its URL; background work and
commands run a block on a tenant's database with :func:`tenant_database`. After a move,
:func:`forget_placements` makes the next request read the directory again."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from onestop.core import databases
from onestop.tenancy.models import Tenant


def _directory_rows() -> list[Tenant]:
    return list(Tenant.objects.using(databases.PLATFORM))


PLACEMENT_MAX_AGE = 5.0


_PLACEMENT: dict[str, tuple[str, str]] = {}  # code: (database, moving to)


_TENANT_IDS: dict[str, int] = {}


_TENANTS: dict[str, Tenant] = {}  # code: the directory's row, copied out for each use


_DIRECTORY_READ_AT = [float("-inf")]


def _read_directory() -> None:
    """The directory's codes, ids and placements, read again at most every few seconds
    (for per-request work that must not query for them). New tables replace the old ones
    whole: a request in another thread never sees them half made."""
    global _PLACEMENT, _TENANT_IDS, _TENANTS
    now = time.monotonic()
    if now - _DIRECTORY_READ_AT[0] <= PLACEMENT_MAX_AGE:
        return
    rows = _directory_rows()
    _PLACEMENT = {t.code: (t.database, t.moving_to) for t in rows}
    _TENANT_IDS = {t.code: t.pk for t in rows}
    _TENANTS = {t.code: t for t in rows}
    _DIRECTORY_READ_AT[0] = now


def placement(code: str) -> tuple[str, str] | None:
    """Where a tenant lives and where it is being moved to ("" when it is not); None for
    no such tenant (a tenant made in the last seconds lives on the default database,
    where an unknown code is looked for anyway)."""
    _read_directory()
    return _PLACEMENT.get(code)


def known_tenant(code: str) -> Tenant | None:
    """The directory's row of a tenant as read in the last few seconds, a copy of its own
    for the caller; None when it was not there then (look in the database)."""
    _read_directory()
    found = _TENANTS.get(code)
    return copy.copy(found) if found is not None else None


def tenant_ids() -> dict[str, int]:
    """Tenant codes to ids."""
    _read_directory()
    return _TENANT_IDS


def forget_placements() -> None:
    """Read the directory again at the next request (after a move)."""
    _DIRECTORY_READ_AT[0] = float("-inf")


_routed_for: ContextVar[str | None] = ContextVar("onestop_routed_tenant", default=None)


def enter_tenant_database(code: str) -> Callable[[], None] | None:
    """Make the tenant's database the current one for a request whose URL names it; the
    function returned ends that. None for no such tenant."""
    found = placement(code)
    if found is None:
        return None
    tokens = databases.enter(found[0]), _routed_for.set(code)

    def leave() -> None:
        _routed_for.reset(tokens[1])
        databases.leave(tokens[0])

    return leave


@contextmanager
def tenant_database(code: str) -> Iterator[str]:
    """Run the block on the database the tenant ``code`` lives on (the default database
    for no such tenant, where nothing of it will be found)."""
    found = placement(code)
    with databases.using(found[0] if found else databases.PLATFORM) as alias:
        yield alias


def routed_for() -> str | None:
    """The tenant whose database the request at hand was routed to, if any."""
    return _routed_for.get()
