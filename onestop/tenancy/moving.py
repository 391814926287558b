"""Moving a tenant from one database to another (``actions.do_move_tenant``, behind
``onestop tenant move``).

The tenant is marked as moving in the directory first: its pages and API answer 503 with
``Retry-After`` (code ``tenant_moving``) from then on, in every process, so nothing is
written while its rows are copied. Every row of the tenant is then copied to the target,
ids kept, in one transaction that is checked (row counts, table by table) before it
commits; only then does the directory point at the target, and the source's rows are
deleted in one more transaction. A failure before the switch leaves the tenant where it
was, serving again; the target keeps nothing of it.

What stays behind, on purpose: audit entries (an append-only chain cannot lose any; the
move itself is recorded on both databases' chains). Outbox events not yet relayed move
with the tenant. Sessions are the platform's and stay valid: accounts keep their ids.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import ForeignKey, Model, QuerySet
from django.utils.translation import gettext_lazy as _

from onestop.core import databases
from onestop.core.actors import Actor
from onestop.core.audit import record_action
from onestop.core.errors import Conflict, NotFound
from onestop.core.models import OutboxEvent
from onestop.tenancy.access import directory
from onestop.tenancy.audit import TenancyAudit
from onestop.tenancy.error_codes import TenancyErrorCode
from onestop.tenancy.models import Tenant
from onestop.tenancy.routing import PLACEMENT_MAX_AGE, forget_placements

BATCH = 2000
SETTLE = PLACEMENT_MAX_AGE + 5  # seconds: every process has read the mark by then


@dataclass(frozen=True, slots=True)
class Part:
    """One table's share of a tenant: the model, and how its rows are found."""

    model: type[Model]
    path: str  # the lookup to the tenant's id: "tenant_id", "user__tenant_id", ...

    def rows(self, alias: str, tenant: Tenant) -> QuerySet[Model]:
        return self.model._base_manager.using(alias).filter(**{self.path: tenant.pk})


def tenant_parts() -> list[Part]:
    """Every table that holds rows of a tenant: those with a tenant of their own, then
    those whose rows hang from such a row (roles of an account, deliveries of a
    notification, the links of a many-to-many relation)."""
    owned: list[type[Model]] = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        # Unmanaged models count too: their tables are made by their app's migrations in
        # a form of the database's own (the catalogue's full-text index).
        if meta.proxy or meta.label_lower in databases.platform_labels():
            continue
        if _tenant_field(model) is not None and model is not Tenant:
            owned.append(model)
    parts = [Part(model, "tenant_id") for model in owned]
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if (
            meta.proxy
            or not meta.managed
            or model in owned
            or model is Tenant
            or meta.label_lower in databases.platform_labels()
        ):
            continue
        for field in meta.concrete_fields:
            if isinstance(field, ForeignKey) and not field.null and field.related_model in owned:
                parts.append(Part(model, f"{field.name}__tenant_id"))
                break
    return parts


def _tenant_field(model: type[Model]) -> ForeignKey[Tenant, Tenant] | None:
    for field in model._meta.concrete_fields:
        if isinstance(field, ForeignKey) and field.related_model is Tenant:
            return field
    return None


def move_tenant(
    *,
    actor: Actor,
    code: str,
    target: str,
    settle: float = SETTLE,
    report: Callable[[str, int], None] | None = None,
) -> Tenant:
    """Move the tenant ``code`` to the database ``target``; its directory row afterwards."""
    # Not access_tenant_by_code: a move that was cut short leaves the tenant marked, and
    # running the command again must finish it.
    tenant = directory().filter(code=code).first()
    if tenant is None:
        raise NotFound(TenancyErrorCode.TENANT_NOT_FOUND, _("No such tenant."))
    source = tenant.database
    if target not in databases.aliases():
        raise NotFound(TenancyErrorCode.DATABASE_UNKNOWN, _("There is no database of that name."))
    if target == source:
        raise Conflict(TenancyErrorCode.ALREADY_THERE, _("The tenant lives on that database already."))
    _check_migrated(target)
    directory().filter(pk=tenant.pk).update(moving_to=target)
    forget_placements()
    try:
        time.sleep(settle)  # every process sees the mark; requests under way finish
        databases.start_ids_in_block(target)
        _delete(tenant, target)  # what a move cut short after its copy may have left there
        _copy(tenant, source, target, report)
    except BaseException:
        directory().filter(pk=tenant.pk).update(moving_to="")
        forget_placements()
        raise
    directory().filter(pk=tenant.pk).update(database=target, moving_to="")
    forget_placements()
    _delete(tenant, source)
    detail = {"from": source, "to": target}
    for alias in {source, target}:
        with databases.using(alias), databases.action():
            record_action(
                actor=actor,
                action=TenancyAudit.MOVE,
                tenant_code=code,
                object_type="tenant",
                object_id=code,
                detail=detail,
            )
    return directory().get(pk=tenant.pk)


def _check_migrated(alias: str) -> None:
    executor = MigrationExecutor(connections[alias])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise Conflict(
            TenancyErrorCode.DATABASE_NOT_MIGRATED,
            _("That database is not migrated: run onestop migrate --database %(alias)s first.")
            % {"alias": alias},
        )


def _copy(tenant: Tenant, source: str, target: str, report: Callable[[str, int], None] | None) -> None:
    sqlite_ceiling = None
    if connections[target].vendor == "sqlite":
        sqlite_ceiling = databases.id_block(target) + databases.ID_BLOCK_SIZE
    with databases.using(target), databases.action():
        home = Tenant._base_manager.using(target)
        row = {f.attname: getattr(tenant, f.attname) for f in Tenant._meta.concrete_fields}
        row.update(database=target, moving_to="")
        if home.filter(pk=tenant.pk).exists():
            home.filter(pk=tenant.pk).update(**{k: v for k, v in row.items() if k != "id"})
        else:
            home.bulk_create([Tenant(**row)])
        for part in [*tenant_parts(), Part(OutboxEvent, "tenant_code")]:
            key = tenant.code if part.model is OutboxEvent else tenant.pk
            wanted = part.model._base_manager.using(source).filter(**{part.path: key})
            if part.model is OutboxEvent:
                wanted = wanted.filter(relayed_at__isnull=True)
            copied = 0
            for batch in _batches(wanted):
                if (
                    sqlite_ceiling is not None
                    and isinstance(batch[-1].pk, int)
                    and batch[-1].pk >= sqlite_ceiling
                ):
                    # SQLite numbers new rows after the highest id in a table, whatever it is.
                    raise Conflict(
                        TenancyErrorCode.IDS_OUTSIDE_BLOCK,
                        _(
                            "The tenant's ids are above that database's own: SQLite would number "
                            "new rows among another database's."
                        ),
                    )
                part.model._base_manager.using(target).bulk_create(batch)
                copied += len(batch)
            there = part.model._base_manager.using(target).filter(**{part.path: key})
            if part.model is OutboxEvent:
                there = there.filter(relayed_at__isnull=True)
            if there.count() != copied or wanted.count() != copied:
                raise Conflict(
                    TenancyErrorCode.COPY_INCOMPLETE,
                    _("Rows changed while the tenant was copied; it stays where it was."),
                )
            if report is not None and copied:
                report(part.model._meta.label, copied)


def _batches(rows: QuerySet[Model]) -> Iterator[list[Model]]:
    last = None
    while True:
        page = rows.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        batch = list(page[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def _delete(tenant: Tenant, source: str) -> None:
    """The tenant's rows off the source, hanging rows first; foreign keys are checked at
    commit, so anything left pointing at a deleted row undoes the whole delete."""
    parts = tenant_parts()
    with databases.using(source), databases.action():
        for part in sorted(parts, key=lambda p: p.path == "tenant_id"):
            part.rows(source, tenant)._raw_delete(source)
        OutboxEvent.objects.using(source).filter(tenant_code=tenant.code, relayed_at__isnull=True).delete()
        if source != databases.PLATFORM:
            Tenant._base_manager.using(source).filter(pk=tenant.pk)._raw_delete(source)
