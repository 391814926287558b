"""Every write of the case workflow, by subject.

Each action takes a keyword-only ``actor``, runs in one durable transaction, records
itself in the audit log and writes a ``cases.case.state_changed`` event to the outbox for
every change of state."""

from onestop.cases.actions.clock import (
    do_deem_late_acceptances,
    do_deem_late_acceptances_of,
    do_escalate_overdue,
    do_record_deemed_acceptance,
    escalate_overdue,
)
from onestop.cases.actions.drafts import (
    MAX_MATERIAL_ORDER,
    do_attach_upload,
    do_claim_uploads,
    do_consent_to_fetch,
    do_save_answers,
    do_start_application,
    do_use_wallet_certificate,
)
from onestop.cases.actions.history import HistorySpec, do_import_case_history
from onestop.cases.actions.ratings import do_answer_rectification, do_rate
from onestop.cases.actions.steps import (
    DEEMED_COMMENT,
    RECTIFICATION_DAYS,
    do_bulk_accept,
    do_claim,
    do_mark_certificate_issued,
    do_module_transition,
    do_officer_transition,
    do_resubmit,
    do_withdraw,
)
from onestop.cases.actions.submission import (
    Answer,
    do_submit_application,
    do_submit_application_idempotently,
    request_fingerprint,
)

__all__ = [
    "DEEMED_COMMENT",
    "MAX_MATERIAL_ORDER",
    "RECTIFICATION_DAYS",
    "Answer",
    "HistorySpec",
    "do_answer_rectification",
    "do_attach_upload",
    "do_bulk_accept",
    "do_claim",
    "do_claim_uploads",
    "do_consent_to_fetch",
    "do_deem_late_acceptances",
    "do_deem_late_acceptances_of",
    "do_escalate_overdue",
    "do_import_case_history",
    "do_mark_certificate_issued",
    "do_module_transition",
    "do_officer_transition",
    "do_rate",
    "do_record_deemed_acceptance",
    "do_resubmit",
    "do_save_answers",
    "do_start_application",
    "do_submit_application",
    "do_submit_application_idempotently",
    "do_use_wallet_certificate",
    "do_withdraw",
    "escalate_overdue",
    "request_fingerprint",
]
