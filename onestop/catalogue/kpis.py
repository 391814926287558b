"""The catalogue figures of a tenant's kpis object."""

from __future__ import annotations

from django.db.models import Count, Q

from onestop.catalogue.access import cached_until_changed, published_items
from onestop.core.figures import figures_of
from onestop.tenancy.models import Tenant


@figures_of("catalogue")
def figures(tenant: Tenant) -> dict[str, int]:
    def count() -> dict[str, int]:
        counts = published_items(tenant).aggregate(
            total=Count("id"), zero_trip=Count("id", filter=Q(visits_required=0))
        )
        return {"services_total": counts["total"], "services_zero_trip": counts["zero_trip"]}

    return cached_until_changed(tenant, "figures", count)
