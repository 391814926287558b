"""The outbox topics tenancy emits (see docs/events.md)."""

from __future__ import annotations

from onestop.core.events import declare

TENANT_CREATED = declare(
    "tenancy.tenant.created",
    description="A tenant was created.",
    fields={"tenant": "the tenant's code", "kind": "government, sandbox, retail ..."},
)
REGIONS_IMPORTED = declare(
    "tenancy.regions.imported",
    description="A tenant's regions were imported.",
    fields={"tenant": "the tenant's code", "count": "how many regions were written"},
)
DEPARTMENTS_IMPORTED = declare(
    "tenancy.departments.imported",
    description="A tenant's departments were imported.",
    fields={"tenant": "the tenant's code", "count": "how many departments were written"},
)
