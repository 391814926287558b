"""Reads of tenants and tenant-owned rows.

The answer for an object of another tenant is the same as for one that does not exist:
the same error code and message, so that nobody can probe another tenant's data.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import NotFound
from onestop.tenancy.error_codes import TenancyErrorCode
from onestop.tenancy.models import Department, Region, Tenant


def access_tenant_by_code(code: str, *, public_only: bool = True) -> Tenant:
    filters = {"is_public": True} if public_only else {}
    tenant = Tenant.objects.filter(code=code, **filters).first()
    if tenant is None:
        raise NotFound(TenancyErrorCode.TENANT_NOT_FOUND, _("No such tenant."))
    return tenant


def public_tenants() -> QuerySet[Tenant]:
    return Tenant.objects.filter(is_public=True).order_by("code")


def regions_for_tenant(tenant: Tenant) -> QuerySet[Region]:
    return Region.objects.filter(tenant=tenant)


def departments_for_tenant(tenant: Tenant) -> QuerySet[Department]:
    return Department.objects.filter(tenant=tenant).select_related("region")


def access_department_by_code(tenant: Tenant, code: str) -> Department:
    department = departments_for_tenant(tenant).filter(code=code).first()
    if department is None:
        raise NotFound(TenancyErrorCode.DEPARTMENT_NOT_FOUND, _("No such department."))
    return department
