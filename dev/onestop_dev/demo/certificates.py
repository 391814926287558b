"""The demo's certificate types: which department issues each, which items' approval
issues it, and the fields its credentials carry."""

from __future__ import annotations

from onestop.catalogue.specs import ServiceItemSpec
from onestop.certificates.specs import CertificateTypeSpec

HOLDER = (
    {"key": "name", "title": "姓名", "title_en": "Name", "source": "holder.name"},
    {
        "key": "idNumber",
        "title": "公民身份号码",
        "title_en": "ID number",
        "source": "holder.id_number_masked",
    },
)
NUMBER = ({"key": "certificateNumber", "title": "证照编号", "title_en": "Number", "source": "number"},)
COMPANY = (
    {"key": "companyName", "title": "名称", "title_en": "Name", "source": "case.company_name"},
    {
        "key": "creditCode",
        "title": "统一社会信用代码",
        "title_en": "Credit code",
        "source": "case.credit_code",
    },
    {"key": "address", "title": "住所", "title_en": "Address", "source": "case.business_address"},
)

# code, name, English name, issuing department, validity in days, item names, fields
TYPES = [
    (
        "id_card",
        "居民身份证",
        "Resident identity card",
        "gd-ga",
        3650,
        ["居民身份证首次申领", "居民身份证换领", "居民身份证补领"],
        HOLDER + NUMBER,
    ),
    (
        "household_register",
        "居民户口簿",
        "Household register",
        "gd-ga",
        0,
        ["户口簿补领", "出生登记"],
        HOLDER + NUMBER,
    ),
    (
        "social_security_card",
        "社会保障卡",
        "Social security card",
        "gd-rs",
        3650,
        ["社会保障卡申领", "社会保障卡补领", "社会保障卡换领"],
        HOLDER + NUMBER,
    ),
    (
        "driving_licence",
        "机动车驾驶证",
        "Driving licence",
        "gd-jj",
        2190,
        ["机动车驾驶证期满换证", "机动车驾驶证遗失补证"],
        HOLDER + NUMBER,
    ),
    ("marriage_certificate", "结婚证", "Marriage certificate", "gd-mz", 0, ["结婚登记"], HOLDER + NUMBER),
    (
        "birth_certificate",
        "出生医学证明",
        "Birth medical certificate",
        "gd-wj",
        0,
        ["出生医学证明首次签发"],
        HOLDER + NUMBER,
    ),
    (
        "business_licence",
        "营业执照",
        "Business licence",
        "gd-sj",
        0,
        ["企业设立登记", "企业变更登记"],
        COMPANY + NUMBER,
    ),
    (
        "food_licence",
        "食品经营许可证",
        "Food business licence",
        "gd-sj",
        1825,
        ["食品经营许可（新办）", "食品经营许可（延续）"],
        COMPANY + NUMBER,
    ),
]


def build_certificate_types(items: list[ServiceItemSpec]) -> list[CertificateTypeSpec]:
    codes = {item.name: item.code for item in items}
    return [
        CertificateTypeSpec(
            code=code,
            name=name,
            name_en=name_en,
            issuer_code=issuer,
            validity_days=days,
            item_codes=tuple(codes[n] for n in names if n in codes),
            fields=fields,
        )
        for code, name, name_en, issuer, days, names, fields in TYPES
    ]
