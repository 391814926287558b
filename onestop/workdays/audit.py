"""The audit actions workdays records (``core.audit.AuditAction``): the only names its
entries carry, so that the log reads the same across releases."""

from __future__ import annotations

from onestop.core.audit import AuditAction


class WorkdaysAudit(AuditAction):
    MARK_YEAR_ENTERED = "workdays.mark_year_entered"
    REMOVE_DAY = "workdays.remove_day"
    SET_DAY = "workdays.set_day"
