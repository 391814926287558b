from enum import StrEnum


class PartnerErrorCode(StrEnum):
    PARTNER_NOT_FOUND = "partner_not_found"
    CREDIT_CODE_INVALID = "credit_code_invalid"
    CREDIT_CODE_TAKEN = "credit_code_taken"
    NOT_ADMITTED = "partner_not_admitted"
    ADMISSION_EXISTS = "admission_exists"
    APP_NOT_FOUND = "app_not_found"
    NAME_REQUIRED = "name_required"
    REDIRECT_URI_INVALID = "redirect_uri_invalid"
    SCOPE_INVALID = "scope_invalid"
    SCOPE_NOT_ALLOWED = "scope_not_allowed"
    DECISION_INVALID = "decision_invalid"
    LIMITS_INVALID = "limits_invalid"
    ITEMS_REQUIRED = "items_required"
    SECRET_NOT_FOUND = "secret_not_found"
    LAST_SECRET = "last_secret"
    NOT_A_SERVICE_MODULE = "not_a_service_module"
    SUBSCRIPTION_NOT_FOUND = "subscription_not_found"
    DELIVERY_NOT_FOUND = "delivery_not_found"
    WEBHOOK_URL_INVALID = "webhook_url_invalid"
    EVENT_UNKNOWN = "event_unknown"
    CONSENT_NOT_FOUND = "consent_not_found"
    PERMISSION_DENIED = "permission_denied"

    # Calling the API with a token.
    TOKEN_INVALID = "invalid_token"
    INSUFFICIENT_SCOPE = "insufficient_scope"
    CITIZEN_TOKEN_REQUIRED = "citizen_token_required"
    APP_TOKEN_REQUIRED = "app_token_required"
    RATE_LIMITED = "rate_limited"
    QUOTA_EXCEEDED = "quota_exceeded"
