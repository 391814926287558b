"""Reads of tenants and tenant-owned rows.

The answer for an object of another tenant is the same as for one that does not exist:
the same error code and message, so that nobody can probe another tenant's data.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from onestop.core import databases
from onestop.core.errors import NotFound, Unavailable
from onestop.tenancy.error_codes import TenancyErrorCode
from onestop.tenancy.models import Department, Region, RegionLevel, Tenant
from onestop.tenancy.routing import forget_placements, known_tenant, routed_for
from onestop.tenancy.specs import DepartmentSpec, RegionSpec


def directory() -> QuerySet[Tenant]:
    """The tenant directory: every tenant's row on the default database, whichever
    database the tenant lives on (its home keeps a copy for its rows to refer to)."""
    return Tenant.objects.using(databases.PLATFORM)


def access_tenant_by_code(code: str, *, public_only: bool = True) -> Tenant:
    # The directory as read in the last seconds (moves wait longer than that before they
    # copy anything), else the database: a tenant made a moment ago in another process.
    tenant = known_tenant(code) or directory().filter(code=code).first()
    if tenant is None or (public_only and not tenant.is_public):
        raise NotFound(TenancyErrorCode.TENANT_NOT_FOUND, _("No such tenant."))
    if tenant.moving_to or (routed_for() == code and tenant.database != databases.current()):
        # Being moved, or just moved while this process still routes to the old database.
        forget_placements()
        raise Unavailable(
            TenancyErrorCode.TENANT_MOVING,
            _("This service is moving to new servers. Please try again in a minute."),
            retry_after=30,
        )
    return tenant


def tenant_of_event(code: str) -> Tenant | None:
    """An event's tenant, public or not, as the database at hand holds it (background work
    runs on the tenant's home database, which keeps a copy of its row)."""
    known = known_tenant(code)
    if known is None:
        return Tenant.objects.filter(code=code).first()
    known._state.db = databases.current()  # the home database's copy: the same row
    return known


def all_tenants() -> QuerySet[Tenant]:
    """Every tenant, public or not: for the platform's operators and commands."""
    return directory().order_by("code")


def public_tenants() -> QuerySet[Tenant]:
    return directory().filter(is_public=True).order_by("code")


def regions_for_tenant(tenant: Tenant) -> QuerySet[Region]:
    return Region.objects.filter(tenant=tenant)


def departments_for_tenant(tenant: Tenant) -> QuerySet[Department]:
    return Department.objects.filter(tenant=tenant).select_related("region")


def access_department_by_code(tenant: Tenant, code: str) -> Department:
    department = departments_for_tenant(tenant).filter(code=code).first()
    if department is None:
        raise NotFound(TenancyErrorCode.DEPARTMENT_NOT_FOUND, _("No such department."))
    return department


# --- a tenant as a template: what another tenant is provisioned from ------------------------


def region_specs(tenant: Tenant) -> list[RegionSpec]:
    """The tenant's regions, parents first, as the import takes them."""
    order: dict[str, int] = {RegionLevel.PROVINCE: 0, RegionLevel.CITY: 1, RegionLevel.COUNTY: 2}
    regions = sorted(
        Region.objects.filter(tenant=tenant).select_related("parent"),
        key=lambda r: (order.get(r.level, 3), r.code),
    )
    return [
        RegionSpec(
            code=r.code,
            name=r.name,
            level=r.level,
            name_en=r.name_en,
            parent_code=r.parent.code if r.parent else None,
        )
        for r in regions
    ]


def department_specs(tenant: Tenant) -> list[DepartmentSpec]:
    return [
        DepartmentSpec(
            code=d.code,
            name=d.name,
            line=d.line,
            region_code=d.region.code,
            name_en=d.name_en,
            short_name=d.short_name,
            phone=d.phone,
            address=d.address,
        )
        for d in Department.objects.filter(tenant=tenant).select_related("region").order_by("order", "code")
    ]


def department_names(tenant: Tenant, codes: list[str]) -> dict[str, str]:
    """Display names of the tenant's departments by code."""
    return {d.code: d.display_name for d in departments_for_tenant(tenant).filter(code__in=codes)}
