"""The identity figures of a tenant's kpis object."""

from __future__ import annotations

from django.db.models import Count

from onestop.core.figures import figures_of
from onestop.core.trust import TrustLevel
from onestop.identity.access import citizens_of
from onestop.tenancy.models import Tenant


@figures_of("identity")
def figures(tenant: Tenant) -> dict[str, object]:
    by_level = dict(citizens_of(tenant).values_list("trust_level").annotate(n=Count("id")).order_by())
    levels = {f"L{level.value}": by_level.get(level.value, 0) for level in TrustLevel}
    return {
        "users_total": sum(levels.values()),
        "real_name_users": sum(n for level, n in by_level.items() if level >= TrustLevel.L3),
        "users_by_level": levels,
    }
