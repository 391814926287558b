"""The audit actions messaging records (``core.audit.AuditAction``): the only names its
entries carry, so that the log reads the same across releases."""

from __future__ import annotations

from onestop.core.audit import AuditAction


class MessagingAudit(AuditAction):
    REENCRYPT = "messaging.reencrypt"
