"""Alibaba Cloud SMS (dysmsapi): action SendSms, version 2017-05-25, requests signed with
ACS3-HMAC-SHA256, the V3 signature ("V3版本请求体&签名机制":
https://help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature).

V3 rather than the older RPC signature (V2, HMAC-SHA1 over the sorted query): Alibaba's
own page tells V2 callers to switch to V3, V3 signs the method, the query, the headers
and the payload's SHA-256 with HMAC-SHA256, and every current SDK speaks it. SendSms takes
its parameters in the query (https://help.aliyun.com/document_detail/55284.html).

Settings: ONESTOP_SMS_ALIYUN_ACCESS_KEY_ID, _ACCESS_KEY_SECRET, _ENDPOINT (the endpoint
chooses the region); ONESTOP_SMS_SIGN_NAME, ONESTOP_SMS_TEMPLATES (parameters named),
ONESTOP_SMS_TIMEOUT_SECONDS.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from onestop.core.plugins import PluginConfigError
from onestop.messaging.providers.common import (
    Answer,
    Failure,
    ProviderConfig,
    ProviderSmsBackend,
    ProviderTemplate,
    ProviderUnreachable,
    missing_settings,
    parse_endpoint,
    parse_templates,
    post_json,
    timeout_setting,
)
from onestop.messaging.sms import SmsMessage, sms_backends

ALGORITHM = "ACS3-HMAC-SHA256"
ACTION = "SendSms"
VERSION = "2017-05-25"


def acs3_encode(value: str) -> str:
    """RFC 3986 over UTF-8: letters, digits and -_.~ stay, everything else is %XX (a space
    is %20, never +; * is %2A)."""
    return quote(value, safe="")  # quote keeps letters, digits and -_.~ whatever safe says


def acs3_canonical_query(params: Mapping[str, str]) -> str:
    """Sorted by name, each name and value encoded; also the query string sent, so that
    what is signed is what arrives."""
    return "&".join(f"{acs3_encode(k)}={acs3_encode(v)}" for k, v in sorted(params.items()))


def acs3_authorization(
    *,
    access_key_id: str,
    access_key_secret: str,
    method: str,
    canonical_uri: str,
    canonical_query: str,
    headers: Mapping[str, str],
    hashed_payload: str,
) -> str:
    """The Authorization header: host, content-type and every x-acs- header are signed,
    names in lower case and sorted, values trimmed; the key is the secret itself."""
    signed = {
        name.lower(): value.strip()
        for name, value in headers.items()
        if name.lower() in ("host", "content-type") or name.lower().startswith("x-acs-")
    }
    names = sorted(signed)
    canonical_headers = "".join(f"{name}:{signed[name]}\n" for name in names)
    canonical = "\n".join(
        [method.upper(), canonical_uri, canonical_query, canonical_headers, ";".join(names), hashed_payload]
    )
    string_to_sign = f"{ALGORITHM}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    signature = hmac.new(access_key_secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()
    return f"{ALGORITHM} Credential={access_key_id},SignedHeaders={';'.join(names)},Signature={signature}"


@dataclass(frozen=True)
class AliyunConfig(ProviderConfig):
    access_key_id: str = ""
    access_key_secret: str = ""
    sign_name: str = ""

    def __repr__(self) -> str:  # never the secret
        return f"AliyunConfig(access_key_id={self.access_key_id!r})"


REQUIRED = (
    "ONESTOP_SMS_ALIYUN_ACCESS_KEY_ID",
    "ONESTOP_SMS_ALIYUN_ACCESS_KEY_SECRET",
    "ONESTOP_SMS_SIGN_NAME",
)


@sms_backends.register("aliyun")
class AliyunSmsBackend(ProviderSmsBackend[AliyunConfig]):
    verbose_name = _("Alibaba Cloud SMS")

    # The provider's codes (https://help.aliyun.com/zh/sms/developer-reference/api-error-codes
    # and the gateway's own), by prefix, first match.
    failures = (
        ("isv.MOBILE_NUMBER_ILLEGAL", Failure.NUMBER_INVALID),
        ("isv.BUSINESS_LIMIT_CONTROL", Failure.RATE_LIMITED),  # per number: minute, hour, day
        ("isv.DAY_LIMIT_CONTROL", Failure.UNAVAILABLE),  # the account's own daily quota
        ("isv.MONTH_LIMIT_CONTROL", Failure.UNAVAILABLE),
        ("Throttling", Failure.UNAVAILABLE),
        ("ServiceUnavailable", Failure.UNAVAILABLE),
        ("InternalError", Failure.UNAVAILABLE),
        ("isp.SYSTEM_ERROR", Failure.UNAVAILABLE),
        ("SignatureNonceUsed", Failure.UNAVAILABLE),
        ("isv.BLACK_KEY_CONTROL_LIMIT", Failure.REFUSED),
        ("isv.SMS_CONTENT_ILLEGAL", Failure.REFUSED),
        ("isv.PARAM_LENGTH_LIMIT", Failure.REFUSED),
        ("isv.PARAM_NOT_SUPPORT_URL", Failure.REFUSED),
        ("isv.", Failure.MISCONFIGURED),  # sign, template, parameters, balance, account
        ("isp.", Failure.MISCONFIGURED),  # RAM permissions
        ("SignatureDoesNotMatch", Failure.MISCONFIGURED),
        ("IncompleteSignature", Failure.MISCONFIGURED),
        ("InvalidAccessKeyId", Failure.MISCONFIGURED),
        ("InvalidTimeStamp", Failure.MISCONFIGURED),  # this machine's clock
        ("Forbidden", Failure.MISCONFIGURED),
        ("MissingParameter", Failure.MISCONFIGURED),
        ("InvalidParameter", Failure.MISCONFIGURED),
    )

    def configuration(self) -> AliyunConfig:
        if missing := missing_settings(*REQUIRED):
            raise PluginConfigError(
                f"Alibaba Cloud SMS needs {', '.join(missing)}.",
                hint="Set them in the environment: a RAM user's AccessKey pair allowed "
                "dysms:SendSms, and the approved sign.",
            )
        secret = str(settings.ONESTOP_SMS_ALIYUN_ACCESS_KEY_SECRET).strip()
        return AliyunConfig(
            endpoint=parse_endpoint("ONESTOP_SMS_ALIYUN_ENDPOINT"),
            templates=parse_templates(positional=False),
            timeout=timeout_setting(),
            hidden=(secret,),
            access_key_id=str(settings.ONESTOP_SMS_ALIYUN_ACCESS_KEY_ID).strip(),
            access_key_secret=secret,
            sign_name=str(settings.ONESTOP_SMS_SIGN_NAME).strip(),
        )

    def submit(
        self, config: AliyunConfig, phone: str, template: ProviderTemplate, message: SmsMessage
    ) -> Answer:
        params = {
            "PhoneNumbers": phone,
            "SignName": config.sign_name,
            "TemplateCode": template.template_id,
        }
        if values := template.values(message):
            params["TemplateParam"] = json.dumps(dict(values), ensure_ascii=False, separators=(",", ":"))
        query = acs3_canonical_query(params)
        empty = hashlib.sha256(b"").hexdigest()
        headers = {
            "host": config.endpoint.host,
            "x-acs-action": ACTION,
            "x-acs-version": VERSION,
            "x-acs-date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "x-acs-signature-nonce": secrets.token_hex(16),  # the gateway refuses a nonce twice
            "x-acs-content-sha256": empty,
        }
        headers["Authorization"] = acs3_authorization(
            access_key_id=config.access_key_id,
            access_key_secret=config.access_key_secret,
            method="POST",
            canonical_uri="/",
            canonical_query=query,
            headers=headers,
            hashed_payload=empty,
        )
        del headers["host"]  # post_json sends the same Host
        status, answer = post_json(config.endpoint, f"/?{query}", headers, b"", timeout=config.timeout)
        if not isinstance(answer, dict) or not answer.get("Code"):
            raise ProviderUnreachable(f"HTTP {status} without a Code")
        code, request_id = str(answer["Code"]), str(answer.get("RequestId", ""))
        if code == "OK" and status == 200:
            return Answer("", message_id=str(answer.get("BizId", "")), request_id=request_id)
        return Answer(code, request_id=request_id, detail=str(answer.get("Message", "")))
