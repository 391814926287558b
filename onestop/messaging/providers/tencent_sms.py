"""Tencent Cloud SMS: API 3.0, action SendSms, version 2021-01-11, requests signed with
TC3-HMAC-SHA256 ("签名方法 v3", the same text under every product's API documents, e.g.
https://cloud.tencent.com/document/api/362/4208; SendSms:
https://cloud.tencent.com/document/api/382/55981).

Settings: ONESTOP_SMS_TENCENT_SECRET_ID, _SECRET_KEY, _SDK_APP_ID, _REGION, _ENDPOINT;
ONESTOP_SMS_SIGN_NAME, ONESTOP_SMS_TEMPLATES (parameters positional), ONESTOP_SMS_TIMEOUT_SECONDS.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime

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

ALGORITHM = "TC3-HMAC-SHA256"
SERVICE = "sms"  # the credential scope names the product, whatever the endpoint's host
ACTION = "SendSms"
VERSION = "2021-01-11"
CONTENT_TYPE = "application/json; charset=utf-8"
SIGNED_HEADERS = "content-type;host;x-tc-action"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def tc3_signing_key(secret_key: str, date: str, service: str) -> bytes:
    """SecretSigning: the secret key narrowed to one UTC day and one product."""
    return _hmac(_hmac(_hmac(f"TC3{secret_key}".encode(), date), service), "tc3_request")


def tc3_canonical_request(*, host: str, action: str, payload: bytes, content_type: str = CONTENT_TYPE) -> str:
    """The POST as signed: URI "/", no query, the three signed headers (names and values
    in lower case), the payload's SHA-256."""
    values = {"content-type": content_type, "host": host, "x-tc-action": action}
    headers = "".join(f"{name}:{values[name].strip().lower()}\n" for name in SIGNED_HEADERS.split(";"))
    return "\n".join(["POST", "/", "", headers, SIGNED_HEADERS, _sha256(payload)])


def tc3_authorization(
    *,
    secret_id: str,
    secret_key: str,
    service: str,
    host: str,
    action: str,
    payload: bytes,
    timestamp: int,
    content_type: str = CONTENT_TYPE,
) -> str:
    """The Authorization header of a POST. The date is the timestamp's in UTC: a local date
    fails every night between midnight and 08:00 in China."""
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    scope = f"{date}/{service}/tc3_request"
    canonical = tc3_canonical_request(host=host, action=action, payload=payload, content_type=content_type)
    string_to_sign = f"{ALGORITHM}\n{timestamp}\n{scope}\n{_sha256(canonical.encode())}"
    signature = hmac.new(
        tc3_signing_key(secret_key, date, service), string_to_sign.encode(), hashlib.sha256
    ).hexdigest()
    return (
        f"{ALGORITHM} Credential={secret_id}/{scope}, SignedHeaders={SIGNED_HEADERS}, Signature={signature}"
    )


@dataclass(frozen=True)
class TencentConfig(ProviderConfig):
    secret_id: str = ""
    secret_key: str = ""
    sdk_app_id: str = ""
    sign_name: str = ""
    region: str = ""

    def __repr__(self) -> str:  # never the secret key
        return f"TencentConfig(secret_id={self.secret_id!r}, sdk_app_id={self.sdk_app_id!r})"


REQUIRED = (
    "ONESTOP_SMS_TENCENT_SECRET_ID",
    "ONESTOP_SMS_TENCENT_SECRET_KEY",
    "ONESTOP_SMS_TENCENT_SDK_APP_ID",
    "ONESTOP_SMS_TENCENT_REGION",
    "ONESTOP_SMS_SIGN_NAME",
)


@sms_backends.register("tencent")
class TencentSmsBackend(ProviderSmsBackend[TencentConfig]):
    verbose_name = _("Tencent Cloud SMS")

    # The provider's codes (https://cloud.tencent.com/document/api/382/52075 and 382/59177),
    # by prefix, first match.
    failures = (
        ("InvalidParameterValue.IncorrectPhoneNumber", Failure.NUMBER_INVALID),
        ("UnsupportedOperation.UnsupportedRegion", Failure.NUMBER_INVALID),
        ("LimitExceeded.PhoneNumber", Failure.RATE_LIMITED),  # 30 s, hour, day, same content
        ("LimitExceeded.DeliveryFrequencyLimit", Failure.RATE_LIMITED),
        ("LimitExceeded.App", Failure.UNAVAILABLE),  # the application's daily quota
        ("RequestLimitExceeded", Failure.UNAVAILABLE),
        ("InternalError", Failure.UNAVAILABLE),
        ("FailedOperation.PhoneNumberInBlacklist", Failure.REFUSED),
        ("FailedOperation.ContainSensitiveWord", Failure.REFUSED),
        ("FailedOperation.MarketingSendTimeConstraint", Failure.REFUSED),
        ("InvalidParameterValue.ContentLengthLimit", Failure.REFUSED),
        ("InvalidParameterValue.TemplateParameterLengthLimit", Failure.REFUSED),
        ("InvalidParameterValue.TemplateParameterFormatError", Failure.REFUSED),
        ("InvalidParameterValue.ProhibitedUseUrlInTemplateParameter", Failure.REFUSED),
        ("AuthFailure", Failure.MISCONFIGURED),
        ("UnauthorizedOperation", Failure.MISCONFIGURED),
        ("FailedOperation", Failure.MISCONFIGURED),  # template or sign unapproved, no balance
        ("InvalidParameter", Failure.MISCONFIGURED),  # SdkAppId unknown, template mismatch
        ("MissingParameter", Failure.MISCONFIGURED),
        ("UnsupportedRegion", Failure.MISCONFIGURED),
    )

    def configuration(self) -> TencentConfig:
        if missing := missing_settings(*REQUIRED):
            raise PluginConfigError(
                f"Tencent Cloud SMS needs {', '.join(missing)}.",
                hint="Set them in the environment: the API key pair (CAM), the SMS application's "
                "SdkAppId, the region (ap-guangzhou) and the approved sign.",
            )
        if not str(settings.ONESTOP_SMS_TENCENT_SDK_APP_ID).strip().isdigit():
            raise PluginConfigError(
                "ONESTOP_SMS_TENCENT_SDK_APP_ID must be the application's digits (1400…)."
            )
        secret_key = str(settings.ONESTOP_SMS_TENCENT_SECRET_KEY).strip()
        return TencentConfig(
            endpoint=parse_endpoint("ONESTOP_SMS_TENCENT_ENDPOINT"),
            templates=parse_templates(positional=True),
            timeout=timeout_setting(),
            hidden=(secret_key,),
            secret_id=str(settings.ONESTOP_SMS_TENCENT_SECRET_ID).strip(),
            secret_key=secret_key,
            sdk_app_id=str(settings.ONESTOP_SMS_TENCENT_SDK_APP_ID).strip(),
            sign_name=str(settings.ONESTOP_SMS_SIGN_NAME).strip(),
            region=str(settings.ONESTOP_SMS_TENCENT_REGION).strip(),
        )

    def submit(
        self, config: TencentConfig, phone: str, template: ProviderTemplate, message: SmsMessage
    ) -> Answer:
        payload = json.dumps(
            {
                "PhoneNumberSet": [f"+86{phone}"],
                "SmsSdkAppId": config.sdk_app_id,
                "SignName": config.sign_name,
                "TemplateId": template.template_id,
                "TemplateParamSet": [value for _name, value in template.values(message)],
            },
            ensure_ascii=False,
        ).encode()
        timestamp = int(time.time())
        headers = {
            "Authorization": tc3_authorization(
                secret_id=config.secret_id,
                secret_key=config.secret_key,
                service=SERVICE,
                host=config.endpoint.host,
                action=ACTION,
                payload=payload,
                timestamp=timestamp,
            ),
            "Content-Type": CONTENT_TYPE,
            "X-TC-Action": ACTION,
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Version": VERSION,
            "X-TC-Region": config.region,
        }
        _status, answer = post_json(config.endpoint, "/", headers, payload, timeout=config.timeout)
        response = answer.get("Response") if isinstance(answer, dict) else None
        if not isinstance(response, dict):
            raise ProviderUnreachable("an answer without Response")
        request_id = str(response.get("RequestId", ""))
        if isinstance(error := response.get("Error"), dict):
            return Answer(
                str(error.get("Code") or "Error"), request_id=request_id, detail=str(error.get("Message", ""))
            )
        statuses = response.get("SendStatusSet")
        if not isinstance(statuses, list) or len(statuses) != 1 or not isinstance(statuses[0], dict):
            raise ProviderUnreachable("an answer without one SendStatus")
        sent = statuses[0]
        if sent.get("Code") == "Ok":
            return Answer("", message_id=str(sent.get("SerialNo", "")), request_id=request_id)
        return Answer(
            str(sent.get("Code") or "Error"), request_id=request_id, detail=str(sent.get("Message", ""))
        )
