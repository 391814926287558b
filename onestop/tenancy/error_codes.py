from enum import StrEnum


class TenancyErrorCode(StrEnum):
    TENANT_NOT_FOUND = "tenant_not_found"
    TENANT_MOVING = "tenant_moving"
    DATABASE_UNKNOWN = "database_unknown"
    DATABASE_NOT_MIGRATED = "database_not_migrated"
    ALREADY_THERE = "tenant_already_there"
    COPY_INCOMPLETE = "tenant_copy_incomplete"
    IDS_OUTSIDE_BLOCK = "tenant_ids_outside_block"
    TENANT_CODE_TAKEN = "tenant_code_taken"
    TENANT_CODE_INVALID = "tenant_code_invalid"
    TENANT_CODE_RESERVED = "tenant_code_reserved"
    REGION_CODE_INVALID = "region_code_invalid"
    REGION_PARENT_UNKNOWN = "region_parent_unknown"
    REGION_LEVEL_INVALID = "region_level_invalid"
    REGION_UNKNOWN = "region_unknown"
    REGION_NOT_PROVINCE = "region_not_province"
    DIVISIONS_MISSING = "divisions_missing"
    DEPARTMENT_NOT_FOUND = "department_not_found"
    DEPARTMENT_REGION_UNKNOWN = "department_region_unknown"
    DEPARTMENT_CODE_DUPLICATE = "department_code_duplicate"
