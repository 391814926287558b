"""The audit actions certificates records (``core.audit.AuditAction``): the only names its
entries carry, so that the log reads the same across releases."""

from __future__ import annotations

from onestop.core.audit import AuditAction


class CertificatesAudit(AuditAction):
    DEFINE_TYPES = "certificates.define_types"
    IMPORT_KEY = "certificates.import_key"
    ISSUE = "certificates.issue"
    REVOKE = "certificates.revoke"
    ROTATE_KEY = "certificates.rotate_key"
    SET_SIGNING_ALGORITHM = "certificates.set_signing_algorithm"
