"""The data exchange's figures in a tenant's kpis object."""

from __future__ import annotations

from onestop.core.figures import figures_of
from onestop.exchange.models import DataQuery
from onestop.tenancy.models import Tenant


@figures_of("exchange")
def figures(tenant: Tenant) -> dict[str, int]:
    return {"data_exchange_queries": DataQuery.objects.filter(tenant=tenant).count()}
