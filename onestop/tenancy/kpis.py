"""The tenancy figures of a tenant's kpis object."""

from __future__ import annotations

from onestop.core.figures import figures_of
from onestop.tenancy.access import departments_for_tenant, regions_for_tenant
from onestop.tenancy.models import Tenant


@figures_of("tenancy")
def figures(tenant: Tenant) -> dict[str, int]:
    return {
        "departments_total": departments_for_tenant(tenant).count(),
        "regions_total": regions_for_tenant(tenant).count(),
    }
