"""Every write to tenants, regions and departments.

Each action takes a keyword-only ``actor``, runs in one transaction and records itself
(audit entry and outbox events) in that same transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from django.utils.translation import gettext_lazy as _

from onestop.core import databases
from onestop.core.actors import Actor
from onestop.core.audit import Event, record_action
from onestop.core.errors import ValidationFailed
from onestop.tenancy import events, moving
from onestop.tenancy.audit import TenancyAudit
from onestop.tenancy.error_codes import TenancyErrorCode
from onestop.tenancy.models import Department, Region, RegionLevel, Tenant, TenantKind
from onestop.tenancy.specs import DepartmentSpec, RegionSpec

TENANT_CODE_RE = re.compile(r"^[a-z][a-z0-9-]{1,31}$")
REGION_CODE_RE = re.compile(r"^[1-8]\d{5}$")

# Tenant codes are the first segment of portal URLs; these segments belong to the platform.
RESERVED_TENANT_CODES = frozenset(
    {
        "api",
        "static",
        "media",
        "admin",
        "console",
        "i18n",
        "accounts",
        "developers",
        "dashboard",
        "platform",
        "health",
        "healthz",
        "readyz",
        "metrics",
        "verify",
        "oauth",
        "sandbox-admin",
        "docs",
        "dev",
        "issuers",
        "status-lists",
        "files",
        "audit",
    }
)

_PARENT_LEVEL = {RegionLevel.CITY: RegionLevel.PROVINCE, RegionLevel.COUNTY: RegionLevel.CITY}


def do_create_tenant(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    name_en: str = "",
    is_public: bool = True,
    demo: bool = False,
    regions: Sequence[RegionSpec] = (),
) -> Tenant:
    """A new tenant, with its regions when given (a province from GB/T 2260:
    ``divisions.region_specs_of``), in one transaction."""
    with databases.action():
        tenant = create_tenant(
            actor=actor, code=code, name=name, kind=kind, name_en=name_en, is_public=is_public, demo=demo
        )
        if regions:
            import_regions(actor=actor, tenant=tenant, regions=regions)
        return tenant


def create_tenant(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    name_en: str = "",
    is_public: bool = True,
    demo: bool = False,
) -> Tenant:
    """The step itself, in the caller's transaction."""
    if not TENANT_CODE_RE.match(code):
        raise ValidationFailed(
            TenancyErrorCode.TENANT_CODE_INVALID,
            _("A tenant code is 2 to 32 lowercase letters, digits or hyphens, starting with a letter."),
            field="code",
        )
    if code in RESERVED_TENANT_CODES:
        raise ValidationFailed(
            TenancyErrorCode.TENANT_CODE_RESERVED,
            _("This code is reserved by the platform."),
            field="code",
        )
    if kind not in TenantKind.values:
        raise ValidationFailed(TenancyErrorCode.TENANT_CODE_INVALID, _("Unknown tenant kind."), field="kind")
    if Tenant.objects.filter(code=code).exists():
        raise ValidationFailed(
            TenancyErrorCode.TENANT_CODE_TAKEN, _("This tenant code is taken."), field="code"
        )
    tenant = Tenant.objects.create(
        code=code, name=name, name_en=name_en, kind=kind, is_public=is_public, demo=demo
    )
    record_action(
        actor=actor,
        action=TenancyAudit.CREATE_TENANT,
        tenant_code=code,
        object_type="tenant",
        object_id=code,
        detail={"name": name, "kind": kind},
        events=[Event(events.TENANT_CREATED, {"tenant": code, "kind": kind})],
    )
    return tenant


def do_import_regions(*, actor: Actor, tenant: Tenant, regions: Sequence[RegionSpec]) -> int:
    """Create or update regions; parents must come before their children or exist."""
    with databases.action():
        return import_regions(actor=actor, tenant=tenant, regions=regions)


def import_regions(*, actor: Actor, tenant: Tenant, regions: Sequence[RegionSpec]) -> int:
    """The step itself, in the caller's transaction."""
    known = {r.code: r for r in Region.objects.filter(tenant=tenant)}
    written = 0
    for spec in regions:
        if not REGION_CODE_RE.match(spec.code):
            raise ValidationFailed(
                TenancyErrorCode.REGION_CODE_INVALID,
                _("A region code is six digits (GB/T 2260)."),
                field="code",
                params={"code": spec.code},
            )
        if spec.level not in RegionLevel.values:
            raise ValidationFailed(
                TenancyErrorCode.REGION_LEVEL_INVALID, _("Unknown region level."), field="level"
            )
        parent = None
        if spec.parent_code:
            parent = known.get(spec.parent_code)
            if parent is None or parent.level != _PARENT_LEVEL.get(RegionLevel(spec.level)):
                raise ValidationFailed(
                    TenancyErrorCode.REGION_PARENT_UNKNOWN,
                    _("The parent region is unknown or not one level up."),
                    field="parent_code",
                )
        region = known.get(spec.code) or Region(tenant=tenant, code=spec.code)
        region.name, region.name_en = spec.name, spec.name_en
        region.level, region.parent = spec.level, parent
        region.save()
        known[spec.code] = region
        written += 1
    record_action(
        actor=actor,
        action=TenancyAudit.IMPORT_REGIONS,
        tenant_code=tenant.code,
        object_type="region",
        detail={"count": written},
        events=[Event(events.REGIONS_IMPORTED, {"tenant": tenant.code, "count": written})],
    )
    return written


def do_import_departments(*, actor: Actor, tenant: Tenant, departments: Sequence[DepartmentSpec]) -> int:
    """Create or update departments by code, each attached to one of the tenant's regions."""
    with databases.action():
        return import_departments(actor=actor, tenant=tenant, departments=departments)


def import_departments(*, actor: Actor, tenant: Tenant, departments: Sequence[DepartmentSpec]) -> int:
    """The step itself, in the caller's transaction."""
    regions = {r.code: r for r in Region.objects.filter(tenant=tenant)}
    existing = {d.code: d for d in Department.objects.filter(tenant=tenant)}
    seen: set[str] = set()
    to_create: list[Department] = []
    to_update: list[Department] = []
    for order, spec in enumerate(departments):
        if spec.code in seen:
            raise ValidationFailed(
                TenancyErrorCode.DEPARTMENT_CODE_DUPLICATE,
                _("A department code appears twice."),
                field="code",
                params={"code": spec.code},
            )
        seen.add(spec.code)
        region = regions.get(spec.region_code)
        if region is None:
            raise ValidationFailed(
                TenancyErrorCode.DEPARTMENT_REGION_UNKNOWN,
                _("The department's region is not one of this tenant's regions."),
                field="region_code",
            )
        department = existing.get(spec.code)
        target = to_update if department else to_create
        department = department or Department(tenant=tenant, code=spec.code)
        department.name, department.name_en = spec.name, spec.name_en
        department.short_name, department.line = spec.short_name, spec.line
        department.region, department.phone = region, spec.phone
        department.address, department.order = spec.address, order
        target.append(department)
    Department.objects.bulk_create(to_create)
    Department.objects.bulk_update(
        to_update,
        ["name", "name_en", "short_name", "line", "region", "phone", "address", "order"],
    )
    count = len(to_create) + len(to_update)
    record_action(
        actor=actor,
        action=TenancyAudit.IMPORT_DEPARTMENTS,
        tenant_code=tenant.code,
        object_type="department",
        detail={"created": len(to_create), "updated": len(to_update)},
        events=[Event(events.DEPARTMENTS_IMPORTED, {"tenant": tenant.code, "count": count})],
    )
    return count


def do_move_tenant(
    *,
    actor: Actor,
    code: str,
    target: str,
    settle: float | None = None,
    report: Callable[[str, int], None] | None = None,
) -> Tenant:
    """Move a tenant with all its rows to the database ``target`` (see ``moving``): not
    one transaction but three (copy, switch, delete), each whole, recorded on both
    databases' audit chains."""
    return moving.move_tenant(
        actor=actor,
        code=code,
        target=target,
        report=report,
        settle=moving.SETTLE if settle is None else settle,
    )
