"""The demo's data services."""

from onestop.exchange.actions import DataServiceSpec

SERVICES = [
    DataServiceSpec(
        "household", "户籍信息", "gd-ga", "Household registration", "户籍地址、户内人数、户籍状态"
    ),
    DataServiceSpec(
        "social_security",
        "社保缴费记录",
        "gd-rs",
        "Social insurance contributions",
        "累计缴费月数、参保状态",
    ),
    DataServiceSpec("marriage", "婚姻登记信息", "gd-mz", "Marriage records", "婚姻状况"),
    DataServiceSpec("property", "不动产登记信息", "gd-zr", "Property register", "名下不动产数量"),
]
