"""The audit actions tenancy records (``core.audit.AuditAction``): the only names its
entries carry, so that the log reads the same across releases."""

from __future__ import annotations

from onestop.core.audit import AuditAction


class TenancyAudit(AuditAction):
    CREATE_TENANT = "tenancy.create_tenant"
    IMPORT_DEPARTMENTS = "tenancy.import_departments"
    IMPORT_REGIONS = "tenancy.import_regions"
    MOVE = "tenancy.move"
