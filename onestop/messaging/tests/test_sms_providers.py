"""The real SMS providers, Tencent Cloud and Alibaba Cloud: their request signatures against
the providers' published examples, texts sent end to end to stand-ins on 127.0.0.1 that
check those signatures as the providers do, their refusals mapped to the platform's
codes, their settings checked without the network, and production starting with them."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from onestop.core.checks import check_integrations
from onestop.core.plugins import PluginConfigError
from onestop.messaging.providers.aliyun_sms import acs3_authorization, acs3_canonical_query
from onestop.messaging.providers.tencent_sms import tc3_authorization, tc3_signing_key
from onestop.messaging.sms import (
    SmsMessage,
    SmsRejected,
    SmsTemplate,
    SmsUnavailable,
    sms_backend,
    sms_backends,
)
from onestop.messaging.tests.sms_servers import SIGN_NAME, Provider, closed_port_url, serve
from onestop.tenancy.models import Tenant

TENANT = Tenant(code="gd", name="广东省")  # never saved: sending reads its code only
PHONE = "13800138000"
SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3TEST"
SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3TESTKEY"
APP_ID = "1400006666"
ACCESS_KEY_ID = "LTAI5tTestAccessKeyId"
ACCESS_KEY_SECRET = "TestAccessKeySecretForTheStandIn"

# Tencent takes parameters by position: case_update's template has the summary first.
TENCENT_TEMPLATES = {
    "register_code": "100001",
    "login_code": "100002",
    "already_registered": 100003,
    "case_update": {"id": "100004", "params": ["summary", "case"]},
    "certificate_revoked": {"id": "100005", "params": ["certificate", "summary"]},
}
# Alibaba takes them by name: case_update's template calls the case number caseNo.
ALIYUN_TEMPLATES = {
    "register_code": "SMS_100001",
    "login_code": "SMS_100002",
    "already_registered": "SMS_100003",
    "case_update": {"id": "SMS_100004", "params": {"case": "caseNo", "summary": "summary"}},
    "certificate_revoked": {"id": "SMS_100005", "params": {"certificate": "certNo", "summary": "summary"}},
}


def configure_tencent(settings: Settings, url: str, *, secret_key: str = SECRET_KEY) -> None:
    settings.ONESTOP_SMS_BACKEND = "tencent"
    settings.ONESTOP_SMS_TENCENT_SECRET_ID = SECRET_ID
    settings.ONESTOP_SMS_TENCENT_SECRET_KEY = secret_key
    settings.ONESTOP_SMS_TENCENT_SDK_APP_ID = APP_ID
    settings.ONESTOP_SMS_TENCENT_REGION = "ap-guangzhou"
    settings.ONESTOP_SMS_TENCENT_ENDPOINT = url
    settings.ONESTOP_SMS_SIGN_NAME = SIGN_NAME
    settings.ONESTOP_SMS_TEMPLATES = json.dumps(TENCENT_TEMPLATES)


def configure_aliyun(settings: Settings, url: str, *, secret: str = ACCESS_KEY_SECRET) -> None:
    settings.ONESTOP_SMS_BACKEND = "aliyun"
    settings.ONESTOP_SMS_ALIYUN_ACCESS_KEY_ID = ACCESS_KEY_ID
    settings.ONESTOP_SMS_ALIYUN_ACCESS_KEY_SECRET = secret
    settings.ONESTOP_SMS_ALIYUN_ENDPOINT = url
    settings.ONESTOP_SMS_SIGN_NAME = SIGN_NAME
    settings.ONESTOP_SMS_TEMPLATES = json.dumps(ALIYUN_TEMPLATES)


def code_message(code: str = "123456") -> SmsMessage:
    return SmsMessage(SmsTemplate.LOGIN_CODE, f"【广东省】登录验证码 {code}，5分钟内有效。", {"code": code})


def case_message() -> SmsMessage:
    return SmsMessage(
        SmsTemplate.CASE_UPDATE,
        "【广东省】案件 GD2025000001 已受理。",
        {"case": "GD2025000001", "summary": "已受理"},
    )


@pytest.fixture
def tencent(settings: Settings) -> Iterator[Provider]:
    stand_in = Provider(
        SECRET_ID,
        SECRET_KEY,
        {"100001", "100002", "100003", "100004"},
        app_id=APP_ID,
        invalid={"13900000000"},
        limited={"13700000000"},
    )
    with serve(stand_in, "tencent") as provider:
        configure_tencent(settings, provider.url)
        yield provider


@pytest.fixture
def aliyun(settings: Settings) -> Iterator[Provider]:
    stand_in = Provider(
        ACCESS_KEY_ID,
        ACCESS_KEY_SECRET,
        {"SMS_100001", "SMS_100002", "SMS_100003", "SMS_100004"},
        invalid={"13900000000"},
        limited={"13700000000"},
    )
    with serve(stand_in, "aliyun") as provider:
        configure_aliyun(settings, provider.url)
        yield provider


@pytest.fixture(params=["tencent", "aliyun"])
def provider(request: pytest.FixtureRequest) -> Provider:
    return request.getfixturevalue(request.param)


# --- (a) the signatures against the providers' published examples --------------------------


def test_tc3_signature_matches_tencent_clouds_worked_example() -> None:
    """Tencent Cloud's "签名方法 v3" page (https://cloud.tencent.com/document/api/362/4208,
    the same text under every product, SMS included) signs a CVM DescribeInstances call at
    timestamp 1551113065 with a SecretId of AKID and 32 asterisks and a SecretKey of 32
    asterisks (the page masks its example key that way, and signs with the mask itself),
    and publishes the derived key, the signature and the whole Authorization header."""
    payload = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
    assert tc3_signing_key("*" * 32, "2019-02-25", "cvm").hex() == (
        "b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af"
    )
    authorization = tc3_authorization(
        secret_id="AKID" + "*" * 32,
        secret_key="*" * 32,
        service="cvm",
        host="cvm.tencentcloudapi.com",
        action="DescribeInstances",
        payload=payload,
        timestamp=1551113065,
    )
    assert authorization == (
        "TC3-HMAC-SHA256 Credential=AKID********************************/2019-02-25/cvm/tc3_request, "
        "SignedHeaders=content-type;host;x-tc-action, "
        "Signature=10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f"
    )


def test_acs3_signature_matches_alibaba_clouds_worked_example() -> None:
    """Alibaba Cloud's "V3版本请求体&签名机制" page
    (https://help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature)
    signs an ECS RunInstances call (ImageId and RegionId in the query, no body) with the
    AccessKey pair YourAccessKeyId / YourAccessKeySecret, x-acs-date 2023-10-26T10:22:32Z
    and nonce 3156853299f313e23d1673dc12e1703d, and publishes the Authorization header."""
    empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    query = acs3_canonical_query(
        {
            "RegionId": "cn-shanghai",
            "ImageId": "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd",
        }
    )
    assert query == "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai"
    authorization = acs3_authorization(
        access_key_id="YourAccessKeyId",
        access_key_secret="YourAccessKeySecret",
        method="POST",
        canonical_uri="/",
        canonical_query=query,
        hashed_payload=empty,
        headers={
            "host": "ecs.cn-shanghai.aliyuncs.com",
            "x-acs-action": "RunInstances",
            "x-acs-content-sha256": empty,
            "x-acs-date": "2023-10-26T10:22:32Z",
            "x-acs-signature-nonce": "3156853299f313e23d1673dc12e1703d",
            "x-acs-version": "2014-05-26",
        },
    )
    assert authorization == (
        "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;"
        "x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
        "Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
    )


def test_acs3_query_encoding_is_rfc_3986() -> None:
    """Spaces are %20 and * is %2A (never + or a bare *); ~ stays; UTF-8 for the rest."""
    assert acs3_canonical_query({"b": "a b*~/+", "a": "签名"}) == "a=%E7%AD%BE%E5%90%8D&b=a%20b%2A~%2F%2B"


# --- (b) end to end, against the stand-ins ------------------------------------------------


def test_tencent_sends_the_template_and_its_parameters_in_their_order(tencent: Provider) -> None:
    receipt = sms_backend().send(tenant=TENANT, phone=PHONE, message=case_message())
    assert receipt.message_id.startswith("2433:") and receipt.sandbox_text == ""
    [sent] = tencent.received
    assert sent["PhoneNumberSet"] == ["+8613800138000"] and sent["TemplateId"] == "100004"
    assert sent["TemplateParamSet"] == ["已受理", "GD2025000001"]  # summary first, as mapped
    assert sent["SignName"] == SIGN_NAME and sent["SmsSdkAppId"] == APP_ID
    sms_backend().send(
        tenant=TENANT,
        phone=PHONE,
        message=SmsMessage(SmsTemplate.ALREADY_REGISTERED, "【广东省】已注册"),
    )
    assert tencent.received[-1]["TemplateId"] == "100003" and tencent.received[-1]["TemplateParamSet"] == []


def test_aliyun_sends_the_template_and_its_named_parameters(aliyun: Provider) -> None:
    receipt = sms_backend().send(tenant=TENANT, phone=PHONE, message=case_message())
    assert receipt.message_id.endswith("^0")
    [sent] = aliyun.received
    assert sent["PhoneNumbers"] == PHONE and sent["TemplateCode"] == "SMS_100004"
    assert json.loads(sent["TemplateParam"]) == {"caseNo": "GD2025000001", "summary": "已受理"}
    assert sent["SignName"] == SIGN_NAME
    sms_backend().send(
        tenant=TENANT,
        phone=PHONE,
        message=SmsMessage(SmsTemplate.ALREADY_REGISTERED, "【广东省】已注册"),
    )
    assert "TemplateParam" not in aliyun.received[-1]


@pytest.mark.parametrize(
    ("phone", "code", "status"),
    [("13900000000", "sms_number_invalid", 422), ("13700000000", "sms_rate_limited", 422)],
)
def test_a_carriers_refusal_of_one_number_has_the_platforms_code(
    provider: Provider, phone: str, code: str, status: int
) -> None:
    with pytest.raises(SmsRejected) as raised:
        sms_backend().send(tenant=TENANT, phone=phone, message=code_message())
    assert raised.value.code == code and raised.value.status == status
    assert provider.received == []


@pytest.mark.parametrize("kind", ["tencent", "aliyun"])
def test_a_wrong_secret_is_refused_by_the_provider_and_no_secret_or_number_is_told(
    kind: str, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """The stand-in recomputes the signature with the right secret and refuses with the
    provider's own error; the platform calls that a configuration failure, logs the
    provider's code with the number masked, and lets out neither secret nor number."""
    right, wrong = (
        (SECRET_KEY, "Gu5t9xGARNpq86cd98joQYCN3WRONGKEY")
        if kind == "tencent"
        else (ACCESS_KEY_SECRET, "WrongAccessKeySecretForTheStandIn")
    )
    stand_in = Provider(
        SECRET_ID if kind == "tencent" else ACCESS_KEY_ID,
        right,
        {"100002", "SMS_100002"},
        app_id=APP_ID,
    )
    with serve(stand_in, kind) as provider:
        if kind == "tencent":
            configure_tencent(settings, provider.url, secret_key=wrong)
        else:
            configure_aliyun(settings, provider.url, secret=wrong)
        with (
            caplog.at_level(logging.INFO, logger="onestop.messaging"),
            pytest.raises(SmsUnavailable) as raised,
        ):
            sms_backend().send(tenant=TENANT, phone=PHONE, message=code_message("654321"))
    assert raised.value.code == "sms_provider_misconfigured" and raised.value.status == 503
    provider_code = "AuthFailure.SignatureFailure" if kind == "tencent" else "IncompleteSignature"
    assert provider_code in caplog.text and "138****8000" in caplog.text
    told = caplog.text + str(raised.value) + str(raised.value.message) + repr(raised.value.as_dict())
    for secret in (wrong, right, PHONE, "654321"):
        assert secret not in told
    assert provider.received == []


def test_an_unapproved_template_is_the_operators_to_fix(
    provider: Provider, caplog: pytest.LogCaptureFixture
) -> None:
    provider.templates.clear()
    with (
        caplog.at_level(logging.ERROR, logger="onestop.messaging"),
        pytest.raises(SmsUnavailable) as raised,
    ):
        sms_backend().send(tenant=TENANT, phone=PHONE, message=code_message())
    assert raised.value.code == "sms_provider_misconfigured"
    assert "TEMPLATE" in caplog.text.upper() and "138****8000" in caplog.text


@pytest.mark.parametrize("kind", ["tencent", "aliyun"])
def test_a_provider_out_of_reach_is_a_retryable_failure(kind: str, settings: Settings) -> None:
    (configure_tencent if kind == "tencent" else configure_aliyun)(settings, closed_port_url())
    with pytest.raises(SmsUnavailable) as raised:
        sms_backend().send(tenant=TENANT, phone=PHONE, message=code_message())
    assert raised.value.code == "sms_provider_unavailable" and raised.value.status == 503


def test_what_no_carrier_sends_is_refused_before_the_provider_is_asked(provider: Provider) -> None:
    with pytest.raises(SmsRejected) as raised:
        sms_backend().send(tenant=TENANT, phone="23800138000", message=code_message())
    assert raised.value.code == "sms_number_invalid" and provider.received == []


# --- (c) the settings, checked without the network ----------------------------------------


def _refusal(settings: Settings, kind: str, **changes: Any) -> str:
    (configure_tencent if kind == "tencent" else configure_aliyun)(settings, "https://sms.example.cn")
    for name, value in changes.items():
        setattr(settings, name, value)
    with pytest.raises(PluginConfigError) as raised:
        sms_backends.get(kind).check_config()
    return str(raised.value)


def test_nothing_configured_names_every_missing_setting(settings: Settings) -> None:
    tencent = _refusal(
        settings,
        "tencent",
        ONESTOP_SMS_TENCENT_SECRET_ID="",
        ONESTOP_SMS_TENCENT_SECRET_KEY="",
        ONESTOP_SMS_TENCENT_SDK_APP_ID="",
        ONESTOP_SMS_SIGN_NAME="",
    )
    assert tencent == (
        "Tencent Cloud SMS needs ONESTOP_SMS_TENCENT_SECRET_ID, ONESTOP_SMS_TENCENT_SECRET_KEY, "
        "ONESTOP_SMS_TENCENT_SDK_APP_ID, ONESTOP_SMS_SIGN_NAME."
    )
    aliyun = _refusal(
        settings, "aliyun", ONESTOP_SMS_ALIYUN_ACCESS_KEY_ID="", ONESTOP_SMS_ALIYUN_ACCESS_KEY_SECRET=""
    )
    assert aliyun == (
        "Alibaba Cloud SMS needs ONESTOP_SMS_ALIYUN_ACCESS_KEY_ID, ONESTOP_SMS_ALIYUN_ACCESS_KEY_SECRET."
    )


@pytest.mark.parametrize(
    ("kind", "changes", "said"),
    [
        ("tencent", {"ONESTOP_SMS_TEMPLATES": ""}, "ONESTOP_SMS_TEMPLATES is not set"),
        ("tencent", {"ONESTOP_SMS_TEMPLATES": "{login_code: 1}"}, "not valid JSON"),
        (
            "tencent",
            {"ONESTOP_SMS_TEMPLATES": '{"login_code": "1"}'},
            "no provider template for register_code, already_registered, case_update",
        ),
        (
            "aliyun",
            {"ONESTOP_SMS_TEMPLATES": json.dumps({**ALIYUN_TEMPLATES, "welcome": "SMS_1"})},
            "unknown templates welcome",
        ),
        (
            "tencent",
            {
                "ONESTOP_SMS_TEMPLATES": json.dumps(
                    {**TENCENT_TEMPLATES, "case_update": {"id": "1", "params": ["case"]}}
                )
            },
            "case_update: params must list each parameter once",
        ),
        (
            "aliyun",
            {
                "ONESTOP_SMS_TEMPLATES": json.dumps(
                    {**ALIYUN_TEMPLATES, "case_update": {"id": "SMS_1", "params": ["case", "summary"]}}
                )
            },
            "case_update: params must name the template's variable",
        ),
        (
            "aliyun",
            {"ONESTOP_SMS_TEMPLATES": json.dumps({**ALIYUN_TEMPLATES, "login_code": ""})},
            "login_code: no template id",
        ),
        ("tencent", {"ONESTOP_SMS_TENCENT_ENDPOINT": "http://sms.tencentcloudapi.com"}, "must use https"),
        ("aliyun", {"ONESTOP_SMS_ALIYUN_ENDPOINT": "http://10.0.0.8:8080"}, "must use https"),
        ("aliyun", {"ONESTOP_SMS_ALIYUN_ENDPOINT": "https://dysmsapi.aliyuncs.com/v1"}, "bare https URL"),
        (
            "tencent",
            {"ONESTOP_SMS_TENCENT_ENDPOINT": "https://user@sms.tencentcloudapi.com"},
            "bare https URL",
        ),
        ("tencent", {"ONESTOP_SMS_TENCENT_SDK_APP_ID": "my-app"}, "ONESTOP_SMS_TENCENT_SDK_APP_ID must be"),
        ("tencent", {"ONESTOP_SMS_TENCENT_REGION": ""}, "ONESTOP_SMS_TENCENT_REGION"),
        ("aliyun", {"ONESTOP_SMS_TIMEOUT_SECONDS": 0}, "ONESTOP_SMS_TIMEOUT_SECONDS"),
    ],
)
def test_check_config_names_what_is_wrong(
    settings: Settings, kind: str, changes: dict[str, Any], said: str
) -> None:
    assert said in _refusal(settings, kind, **changes)


@pytest.mark.parametrize("kind", ["tencent", "aliyun"])
def test_check_config_passes_without_reaching_the_network(
    kind: str, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    (configure_tencent if kind == "tencent" else configure_aliyun)(settings, "https://sms.example.cn")

    def no_connection(*args: object, **kwargs: object) -> None:
        raise AssertionError("check_config reached the network")

    monkeypatch.setattr(socket.socket, "connect", no_connection)
    monkeypatch.setattr(socket, "create_connection", no_connection)
    sms_backends.get(kind).check_config()
    # Plain http to this machine is for the stand-ins of tests.
    (configure_tencent if kind == "tencent" else configure_aliyun)(settings, "http://127.0.0.1:9")
    sms_backends.get(kind).check_config()


# --- (d) production starts with a real provider -------------------------------------------


def test_outside_the_demo_a_configured_provider_is_no_longer_refused(
    settings: Settings,
) -> None:
    settings.ONESTOP_DEMO, settings.ONESTOP_SANDBOX_ALLOWED = False, []
    configure_tencent(settings, "https://sms.tencentcloudapi.com")
    problems = [(m.id, m.msg) for m in check_integrations(None)]
    assert not [msg for check_id, msg in problems if check_id == "onestop.E002"]
    refused = [msg for check_id, msg in problems if check_id == "onestop.E001"]
    assert len(refused) == 5 and not any(msg.startswith("SMS ") for msg in refused)  # the other five
    # Unconfigured, the real provider stops the start as surely as the sandbox did.
    settings.ONESTOP_SMS_TENCENT_SECRET_KEY = ""
    problems = [(m.id, m.msg) for m in check_integrations(None)]
    assert [msg for check_id, msg in problems if check_id == "onestop.E002"] == [
        "SMS (tencent): Tencent Cloud SMS needs ONESTOP_SMS_TENCENT_SECRET_KEY."
    ]
