from enum import StrEnum


class ProvisioningErrorCode(StrEnum):
    TEMPLATE_NOT_A_PROVINCE = "template_not_a_province"
    TOO_FEW_CITIES = "region_too_few_cities"
    DEPARTMENT_WITHOUT_REGION = "department_without_region"
    DEPARTMENT_CODE_CLASH = "department_code_clash"
    ITEM_CODE_CLASH = "item_code_clash"
