"""Tenant-owned rows are read with their tenant named, by construction.

Every tenant-owned model's manager hands out querysets that refuse to run until the query
names a tenant: a filter on ``tenant`` (``tenant=``, ``tenant_id=``, ``case__tenant=`` …),
or the related rows of an object already in hand (``case.events.all()``: the object was
read through its app's access helpers, which name the tenant). Work that truly spans
tenants says so with :meth:`TenantOwnedManager.platform_wide` — the clock's sweep of a
database, the platform's own dashboards, a token looked up by its digest — so that every
such place can be found with grep and reviewed.

A query that names no tenant raises :class:`TenantNotNamed` when it runs: a programming
error, found by the first test that takes that path, never a silent read across tenants.
Writing rows (``create``, ``bulk_create``) and saving an object in hand need no naming;
``update``/``delete`` on a queryset do, like reads.

Test modules are let through when ``ONESTOP_TENANT_QUERIES_FROM_TESTS`` is on (the test
settings): a test reads what was written wherever it was written, as import-linter lets
tests look behind an app's public face. Product code called by a test is checked as ever.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from types import FrameType
from typing import Any, Self, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q

M = TypeVar("M", bound=models.Model)

_TENANT_FIELDS = frozenset({"tenant", "tenant_id"})


class TenantNotNamed(RuntimeError):
    """A query on tenant-owned rows that names no tenant."""


def _names_tenant(lookup: str) -> bool:
    """``tenant``, ``tenant_id``, ``tenant__code``, ``case__tenant`` … name a tenant."""
    return any(part in _TENANT_FIELDS for part in lookup.split("__"))


def _q_names_tenant(q: Q) -> bool:
    """A condition that holds only for rows of named tenants: a plain AND that has a
    tenant lookup among its terms (an OR or a negation could reach past it)."""
    if q.negated or q.connector != Q.AND:
        return False
    for child in q.children:
        if isinstance(child, Q):
            if _q_names_tenant(child):
                return True
        elif isinstance(child, tuple) and _names_tenant(child[0]):
            return True
    return False


def _called_from_a_test() -> bool:
    frame: FrameType | None = sys._getframe(2)
    for _depth in range(6):
        if frame is None:
            return False
        module = frame.f_globals.get("__name__", "")
        if not module.startswith(("django.", __name__)):
            return ".tests." in module or module.endswith(("conftest", ".tests"))
        frame = frame.f_back
    return False


class TenantQuerySet(models.QuerySet[M]):
    """A queryset of tenant-owned rows, runnable once it names a tenant."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._names_tenant = False

    def _clone(self) -> Self:
        clone: Self = super()._clone()  # type: ignore[misc]
        clone._names_tenant = self._names_tenant
        return clone

    def _named(self) -> Self:
        self._names_tenant = True
        return self

    def _filter_or_exclude(self, negate: bool, args: Any, kwargs: Any) -> Self:
        clone: Self = super()._filter_or_exclude(negate, args, kwargs)  # type: ignore[misc]
        if not negate and (
            any(_names_tenant(key) for key in kwargs)
            or any(isinstance(arg, Q) and _q_names_tenant(arg) for arg in args)
        ):
            clone._names_tenant = True
        return clone

    def of(self, tenant: Any) -> Self:
        """The tenant's rows (a tenant or its id)."""
        return self.filter(tenant=tenant)

    def platform_wide(self) -> Self:
        """Every tenant's rows, on purpose: grep for this name to review them all."""
        return self._clone()._named()

    def _check(self) -> None:
        if not self._names_tenant:
            raise TenantNotNamed(
                f"A query on {self.model.__name__} names no tenant: filter by tenant, use the "
                "related rows of an object in hand, or say platform_wide()."
            )

    # Everything that runs the query checks first.
    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._check()
        super()._fetch_all()

    def iterator(self, chunk_size: int | None = None) -> Iterator[M]:
        self._check()
        return super().iterator(chunk_size)

    def count(self) -> int:
        self._check()
        return super().count()

    def exists(self) -> bool:
        self._check()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._check()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._check()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._check()
        return super().delete()

    def none(self) -> Self:
        return super().none()._named()

    def bulk_update(self, objs: Iterable[M], fields: Iterable[str], batch_size: int | None = None) -> int:
        """Objects in hand, updated by their keys: they were read with their tenant."""
        return super(TenantQuerySet, self._clone()._named()).bulk_update(objs, fields, batch_size)


class TenantOwnedManager(models.Manager.from_queryset(TenantQuerySet)):  # type: ignore[misc]
    """The manager of every tenant-owned model: its querysets check, and ``of(tenant)``
    and ``platform_wide()`` start one."""

    def get_queryset(self) -> TenantQuerySet[Any]:
        queryset: TenantQuerySet[Any] = super().get_queryset()
        # The related rows of an object in hand (``case.events``) are scoped by the object.
        in_hand = getattr(self, "instance", None) is not None
        queryset._names_tenant = in_hand or (
            settings.ONESTOP_TENANT_QUERIES_FROM_TESTS and _called_from_a_test()
        )
        return queryset


__all__ = ["TenantNotNamed", "TenantOwnedManager", "TenantQuerySet"]
