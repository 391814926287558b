from enum import StrEnum


class CaseErrorCode(StrEnum):
    CASE_NOT_FOUND = "case_not_found"
    APPLICATION_NOT_FOUND = "application_not_found"
    TRUST_LEVEL_TOO_LOW = "trust_level_too_low"
    FORM_INVALID = "form_invalid"
    FORM_UNKNOWN_FIELDS = "form_unknown_fields"
    MATERIAL_MISSING = "material_missing"
    MATERIAL_UNKNOWN = "material_unknown"
    UPLOAD_INVALID = "upload_invalid"
    UPLOAD_TOO_LARGE = "upload_too_large"
    UPLOAD_IMAGE_TOO_LARGE = "upload_image_too_large"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    CORRECTION_PERIOD_OVER = "correction_period_over"
    COMMENT_REQUIRED = "comment_required"
    CORRECTION_EMPTY = "correction_empty"
    NOT_YOURS = "not_your_department"
    ALREADY_RATED = "already_rated"
    RATING_INVALID = "rating_invalid"
    NOT_CONCLUDED = "not_concluded"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_IN_PROGRESS = "idempotency_in_progress"
