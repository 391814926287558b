"""The demo's application forms: a JSON Schema per item, built from the item's audience and
level, the same for a seed like the rest of the demo."""

from __future__ import annotations

from typing import Any

from onestop.catalogue.specs import ServiceItemSpec
from onestop_dev.demo.data import regions as region_data

SCHEMA = "https://json-schema.org/draft/2020-12/schema"
CREDIT_CODE = "^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"


def _counties() -> dict[str, Any]:
    labels = {
        code: {"zh": f"{city}{name}", "en": f"{name_en}, {city_en}"}
        for _c, city, city_en, counties in region_data.CITIES
        for code, name, name_en in counties
    }
    return {
        "type": "string",
        "title": "办理地区",
        "title_en": "Where you apply",
        "enum": list(labels),
        "x-enum-labels": labels,
    }


def build_form(item: ServiceItemSpec) -> dict[str, Any]:
    local = item.exercise_level in ("county", "city")
    pledge = {
        "type": "boolean",
        "const": True,
        "title": "本人承诺所填信息真实、准确",
        "title_en": "I declare that the information given is true and accurate",
    }
    purpose = {
        "type": "string",
        "maxLength": 500,
        "title": "申请说明",
        "title_en": "What you apply for",
        "x-widget": "textarea",
    }
    if item.audience == "person":
        properties: dict[str, Any] = {
            "address": {
                "type": "string",
                "minLength": 5,
                "maxLength": 200,
                "title": "送达地址",
                "title_en": "Address for documents",
            },
            "purpose": purpose,
            "pledge": pledge,
        }
        first = {
            "key": "applicant",
            "title": "申请人信息",
            "title_en": "Applicant",
            "fields": ["county", "address"] if local else ["address"],
        }
        required = ["address", "pledge"]
    else:
        properties = {
            "company_name": {
                "type": "string",
                "minLength": 2,
                "maxLength": 100,
                "title": "单位名称",
                "title_en": "Organisation name",
            },
            "credit_code": {
                "type": "string",
                "pattern": CREDIT_CODE,
                "title": "统一社会信用代码",
                "title_en": "Unified social credit code",
            },
            "business_address": {
                "type": "string",
                "minLength": 5,
                "maxLength": 200,
                "title": "经营场所",
                "title_en": "Business address",
            },
            "purpose": purpose,
            "pledge": pledge,
        }
        first = {
            "key": "organisation",
            "title": "单位信息",
            "title_en": "Organisation",
            "fields": ["county", "company_name", "credit_code"] if local else ["company_name", "credit_code"],
        }
        required = ["company_name", "credit_code", "business_address", "pledge"]
    if local:
        properties["county"] = _counties()
        required.append("county")
    second_fields = [f for f in properties if f not in first["fields"]]
    return {
        "$schema": SCHEMA,
        "title": item.name,
        "title_en": item.name_en,
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "required": required,
        "x-steps": [
            first,
            {"key": "details", "title": "申请事项", "title_en": "Details", "fields": second_fields},
        ],
    }


def build_forms(items: list[ServiceItemSpec]) -> dict[str, dict[str, Any]]:
    return {item.code: build_form(item) for item in items}
