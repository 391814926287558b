"""The audit actions exchange records (``core.audit.AuditAction``): the only names its
entries carry, so that the log reads the same across releases."""

from __future__ import annotations

from onestop.core.audit import AuditAction


class ExchangeAudit(AuditAction):
    GRANT_CONSENT = "exchange.grant_consent"
    OPEN_ANSWER = "exchange.open_answer"
    PUBLISH_SERVICES = "exchange.publish_services"
    QUERY = "exchange.query"
    WITHDRAW_CONSENT = "exchange.withdraw_consent"
