from enum import StrEnum


class CatalogueErrorCode(StrEnum):
    SERVICE_ITEM_NOT_FOUND = "service_item_not_found"
    THEME_NOT_FOUND = "theme_not_found"
    LIFE_EVENT_NOT_FOUND = "life_event_not_found"
    DEPARTMENT_UNKNOWN = "department_unknown"
    THEME_UNKNOWN = "theme_unknown"
    ITEM_CODE_INVALID = "item_code_invalid"
    ITEM_CODE_DUPLICATE = "item_code_duplicate"
    ITEM_FIELD_INVALID = "item_field_invalid"
    ITEM_LIMITS_INCONSISTENT = "item_limits_inconsistent"
    ITEM_VISITS_INCONSISTENT = "item_visits_inconsistent"
    ITEM_UNKNOWN = "item_unknown"
    QUERY_TOO_LONG = "query_too_long"
    FORM_INVALID = "form_invalid"
    FORM_NOT_FOUND = "form_not_found"
