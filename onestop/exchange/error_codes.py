from enum import StrEnum


class ExchangeErrorCode(StrEnum):
    SERVICE_UNKNOWN = "data_service_unknown"
    PURPOSE_REQUIRED = "purpose_required"
    NO_CONSENT_OR_BASIS = "no_consent_or_legal_basis"
    CASE_CLOSED = "case_closed"
    AUDIT_ENTRY_NOT_FOUND = "audit_entry_not_found"
    QUERY_NOT_FOUND = "data_query_not_found"
