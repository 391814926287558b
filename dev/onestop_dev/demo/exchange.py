"""The demo's data services, and the certificate types whose data each holds."""

from onestop.exchange.specs import DataServiceSpec

SERVICES = [
    DataServiceSpec(
        "identity", "居民身份信息", "gd-ga", "Resident identity", "姓名、身份证号码核验", "id_card"
    ),
    DataServiceSpec(
        "household",
        "户籍信息",
        "gd-ga",
        "Household registration",
        "户籍地址、户内人数、户籍状态",
        "household_register",
    ),
    DataServiceSpec(
        "social_security",
        "社保缴费记录",
        "gd-rs",
        "Social insurance contributions",
        "累计缴费月数、参保状态",
        "social_security_card",
    ),
    DataServiceSpec(
        "marriage", "婚姻登记信息", "gd-mz", "Marriage records", "婚姻状况", "marriage_certificate"
    ),
    DataServiceSpec(
        "property", "不动产登记信息", "gd-zr", "Property register", "名下不动产数量", "property_certificate"
    ),
]
