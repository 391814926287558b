"""Tenancy endpoints of the public API."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from onestop.tenancy.access import access_tenant_by_code, departments_for_tenant, public_tenants
from onestop.tenancy.models import Department, Tenant

router = Router(tags=["tenants"])


class TenantOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str

    @staticmethod
    def from_tenant(tenant: Tenant) -> TenantOut:
        return TenantOut(code=tenant.code, name=tenant.name, name_en=tenant.name_en, kind=tenant.kind)


class DepartmentOut(Schema):
    code: str
    name: str
    name_en: str
    short_name: str
    line: str
    region_code: str
    region_name: str
    region_level: str

    @staticmethod
    def from_department(department: Department) -> DepartmentOut:
        return DepartmentOut(
            code=department.code,
            name=department.name,
            name_en=department.name_en,
            short_name=department.short_name,
            line=department.line,
            region_code=department.region.code,
            region_name=department.region.name,
            region_level=department.region.level,
        )


@router.get("/tenants", response=list[TenantOut], summary="List public tenants")
def list_tenants(request: HttpRequest) -> list[TenantOut]:
    return [TenantOut.from_tenant(t) for t in public_tenants()]


@router.get(
    "/tenants/{tenant}/departments",
    response=list[DepartmentOut],
    summary="List a tenant's departments",
)
def list_departments(request: HttpRequest, tenant: str) -> list[DepartmentOut]:
    owner = access_tenant_by_code(tenant)
    return [DepartmentOut.from_department(d) for d in departments_for_tenant(owner)]
