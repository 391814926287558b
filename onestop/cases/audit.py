"""The audit actions cases records (``core.audit.AuditAction``): the only names its
entries carry, so that the log reads the same across releases."""

from __future__ import annotations

from onestop.core.audit import AuditAction


class CasesAudit(AuditAction):
    ACCEPT = "cases.accept"
    ANSWER_RECTIFICATION = "cases.answer_rectification"
    CLAIM = "cases.claim"
    CLAIM_UPLOADS = "cases.claim_uploads"
    CONCLUDE = "cases.conclude"
    CONSENT_TO_FETCH = "cases.consent_to_fetch"
    DECIDE = "cases.decide"
    DEEM_ACCEPTED = "cases.deem_accepted"
    DENIED = "cases.denied"
    ESCALATE = "cases.escalate"
    EXTEND = "cases.extend"
    IMPORT_HISTORY = "cases.import_history"
    ISSUE_CERTIFICATE = "cases.issue_certificate"
    NOT_ACCEPT = "cases.not_accept"
    RATE = "cases.rate"
    REQUEST_CORRECTION = "cases.request_correction"
    RESUBMIT = "cases.resubmit"
    RESUME = "cases.resume"
    SAVE_DRAFT = "cases.save_draft"
    START_APPLICATION = "cases.start_application"
    START_REVIEW = "cases.start_review"
    SUBMIT = "cases.submit"
    SUSPEND = "cases.suspend"
    UPLOAD = "cases.upload"
    USE_WALLET_CERTIFICATE = "cases.use_wallet_certificate"
    WITHDRAW = "cases.withdraw"
    WITHDRAW_FETCH = "cases.withdraw_fetch"
