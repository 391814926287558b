"""The audit actions payments records (``core.audit.AuditAction``)."""

from __future__ import annotations

from onestop.core.audit import AuditAction


class PaymentsAudit(AuditAction):
    ISSUE_BILL = "payments.issue_bill"
    CANCEL_BILL = "payments.cancel_bill"
    APPLY_PAYMENT = "payments.apply_payment"
    OPEN_ORDER = "payments.open_order"
    CLOSE_ORDER = "payments.close_order"
