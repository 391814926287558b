"""Stand-ins for the SMS providers' APIs on 127.0.0.1, for tests: each checks a request's
signature the way its provider does (recomputed from the request it received, with the
shared secret, written here apart from the plugins' own signing) and answers in the
provider's format: the text accepted, refused for one number, or the request refused with
the provider's own error JSON.

Numbers in ``invalid`` or ``limited`` are refused as their carrier refuses them; templates
outside ``templates`` and signs other than ``sign_name`` are refused as unapproved.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote

SIGN_NAME = "一网通办"


@dataclass
class Provider:
    """What the stand-in knows and what it received."""

    key_id: str
    secret: str
    templates: set[str]
    sign_name: str = SIGN_NAME
    app_id: str = ""
    invalid: set[str] = field(default_factory=set)  # numbers, without +86
    limited: set[str] = field(default_factory=set)
    received: list[dict[str, Any]] = field(default_factory=list)  # accepted texts' parameters
    url: str = ""


def _hex_hmac(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def _authorization_fields(header: str, algorithm: str) -> dict[str, str] | None:
    scheme, _sep, rest = header.partition(" ")
    if scheme != algorithm:
        return None
    fields = dict(part.strip().partition("=")[::2] for part in rest.split(","))
    return fields if {"Credential", "SignedHeaders", "Signature"} <= set(fields) else None


# --- Tencent Cloud API 3.0 ----------------------------------------------------------------


def _tencent_error(code: str, message: str) -> dict[str, Any]:
    return {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": str(uuid.uuid4())}}


def tencent_answer(provider: Provider, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """Tencent Cloud's answer (always HTTP 200; a refusal is an Error object)."""
    auth = _authorization_fields(headers.get("authorization", ""), "TC3-HMAC-SHA256")
    if auth is None:
        return _tencent_error("AuthFailure.InvalidAuthorization", "Authorization is invalid.")
    secret_id, date, service, terminal = [*auth["Credential"].split("/"), "", "", ""][:4]
    if secret_id != provider.key_id:
        return _tencent_error("AuthFailure.SecretIdNotFound", "The SecretId is not found.")
    timestamp = int(headers.get("x-tc-timestamp", "0") or 0)
    if abs(time.time() - timestamp) > 300:
        return _tencent_error("AuthFailure.SignatureExpire", "Signature expired.")
    names = auth["SignedHeaders"].split(";")
    if not {"content-type", "host"} <= set(names) or names != sorted(names):
        return _tencent_error("AuthFailure.InvalidAuthorization", "SignedHeaders is invalid.")
    canonical = "\n".join(
        [
            "POST",
            "/",
            "",
            "".join(f"{n}:{headers.get(n, '').strip().lower()}\n" for n in names),
            auth["SignedHeaders"],
            hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{date}/{service}/{terminal}"
    string_to_sign = (
        f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    )
    key = f"TC3{provider.secret}".encode()
    for part in (date, service, "tc3_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected_date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    if (
        date != expected_date
        or service != "sms"
        or terminal != "tc3_request"
        or not hmac.compare_digest(_hex_hmac(key, string_to_sign), auth["Signature"])
    ):
        return _tencent_error(
            "AuthFailure.SignatureFailure",
            "The provided credentials could not be validated. Please check your signature is correct.",
        )
    if headers.get("x-tc-action") != "SendSms" or headers.get("x-tc-version") != "2021-01-11":
        return _tencent_error("InvalidAction", "The action or its version does not exist.")
    if not headers.get("x-tc-region"):
        return _tencent_error("MissingParameter", "The Region parameter is missing.")
    request = json.loads(body)
    if request.get("SmsSdkAppId") != provider.app_id:
        return _tencent_error("InvalidParameterValue.SdkAppIdNotExist", "SdkAppId does not exist.")
    if request.get("SignName") != provider.sign_name:
        return _tencent_error("FailedOperation.SignatureIncorrectOrUnapproved", "签名未审批或格式错误。")
    if request.get("TemplateId") not in provider.templates:
        return _tencent_error("FailedOperation.TemplateIncorrectOrUnapproved", "模板未审批或内容不匹配。")
    statuses = []
    for number in request["PhoneNumberSet"]:
        phone = number.removeprefix("+86")
        if phone in provider.invalid:
            code, message = (
                "InvalidParameterValue.IncorrectPhoneNumber",
                f"{number} 手机号格式错误。",
            )
        elif phone in provider.limited:
            code, message = (
                "LimitExceeded.PhoneNumberThirtySecondLimit",
                "单个手机号30秒内下发短信条数超过设定的上限。",
            )
        else:
            code, message = "Ok", "send success"
            provider.received.append(request)
        statuses.append(
            {
                "SerialNo": f"2433:{uuid.uuid4().int % 10**20}" if code == "Ok" else "",
                "PhoneNumber": number,
                "Fee": 1 if code == "Ok" else 0,
                "SessionContext": "",
                "Code": code,
                "Message": message,
                "IsoCode": "CN",
            }
        )
    return {"Response": {"SendStatusSet": statuses, "RequestId": str(uuid.uuid4())}}


# --- Alibaba Cloud (V3 signature, RPC style) ----------------------------------------------


def _encode(value: str) -> str:
    return quote(value, safe="")


def _aliyun_error(code: str, message: str, status: int = 400) -> tuple[int, dict[str, Any]]:
    return status, {
        "RequestId": str(uuid.uuid4()).upper(),
        "HostId": "dysmsapi.aliyuncs.com",
        "Code": code,
        "Message": message,
        "Recommend": f"https://api.aliyun.com/troubleshoot?q={code}&product=Dysmsapi",
    }


def aliyun_answer(
    provider: Provider, headers: dict[str, str], target: str, body: bytes, nonces: set[str]
) -> tuple[int, dict[str, Any]]:
    """Alibaba Cloud's answer: gateway refusals with an HTTP error status, the SMS service's
    own with 200 and a Code other than OK."""
    auth = _authorization_fields(headers.get("authorization", ""), "ACS3-HMAC-SHA256")
    if auth is None:
        return _aliyun_error("IncompleteSignature", "The Authorization header is invalid.")
    if auth["Credential"] != provider.key_id:
        return _aliyun_error("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404)
    if headers.get("x-acs-content-sha256") != hashlib.sha256(body).hexdigest():
        return _aliyun_error("IncompleteSignature", "The x-acs-content-sha256 does not match the body.")
    try:
        sent_at = datetime.strptime(headers.get("x-acs-date", ""), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return _aliyun_error("InvalidTimeStamp.Format", "Specified time stamp is not valid.")
    if abs(time.time() - sent_at.timestamp()) > 900:
        return _aliyun_error("InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")
    nonce = headers.get("x-acs-signature-nonce", "")
    if not nonce or nonce in nonces:
        return _aliyun_error("SignatureNonceUsed", "Specified signature nonce was used already.")
    names = auth["SignedHeaders"].split(";")
    present = {n for n in headers if n.startswith("x-acs-") or n in ("host", "content-type")}
    if set(names) != present or names != sorted(names):
        return _aliyun_error(
            "IncompleteSignature", "Every x-acs- header, host and content-type must be signed."
        )
    path, _sep, query = target.partition("?")
    params = dict(parse_qsl(query, keep_blank_values=True))
    canonical_query = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(params.items()))
    canonical = "\n".join(
        [
            "POST",
            path,
            canonical_query,
            "".join(f"{n}:{headers[n].strip()}\n" for n in names),
            auth["SignedHeaders"],
            headers["x-acs-content-sha256"],
        ]
    )
    string_to_sign = f"ACS3-HMAC-SHA256\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    if not hmac.compare_digest(_hex_hmac(provider.secret.encode(), string_to_sign), auth["Signature"]):
        return _aliyun_error(
            "IncompleteSignature",
            f"The request signature does not conform to Aliyun standards. server string to sign is:{string_to_sign}",
        )
    nonces.add(nonce)
    if headers.get("x-acs-action") != "SendSms" or headers.get("x-acs-version") != "2017-05-25":
        return _aliyun_error(
            "InvalidAction.NotFound",
            "Specified api is not found, please check your url and method.",
            404,
        )
    request_id = str(uuid.uuid4()).upper()
    if params.get("SignName") != provider.sign_name:
        return 200, {
            "Code": "isv.SMS_SIGNATURE_ILLEGAL",
            "Message": "该账号下找不到对应签名",
            "RequestId": request_id,
        }
    if params.get("TemplateCode") not in provider.templates:
        return 200, {
            "Code": "isv.SMS_TEMPLATE_ILLEGAL",
            "Message": "该账号下找不到对应模板",
            "RequestId": request_id,
        }
    phone = params.get("PhoneNumbers", "")
    if phone in provider.invalid:
        return 200, {
            "Code": "isv.MOBILE_NUMBER_ILLEGAL",
            "Message": f"{phone}invalid mobile number",
            "RequestId": request_id,
        }
    if phone in provider.limited:
        return 200, {
            "Code": "isv.BUSINESS_LIMIT_CONTROL",
            "Message": "触发分钟级流控Permits:1",
            "RequestId": request_id,
        }
    provider.received.append(params)
    return 200, {
        "Code": "OK",
        "Message": "OK",
        "BizId": f"{uuid.uuid4().int % 10**18}^0",
        "RequestId": request_id,
    }


# --- the servers --------------------------------------------------------------------------


@contextmanager
def serve(provider: Provider, kind: str) -> Iterator[Provider]:
    """Serve ``provider`` as Tencent Cloud ("tencent") or Alibaba Cloud ("aliyun") on a free
    port of 127.0.0.1 until the block ends; ``provider.url`` is its endpoint."""
    nonces: set[str] = set()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {name.lower(): value for name, value in self.headers.items()}
            if kind == "tencent":
                status, answer = 200, tencent_answer(provider, headers, body)
            else:
                status, answer = aliyun_answer(provider, headers, self.path, body, nonces)
            data = json.dumps(answer, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the requests carry numbers: no access log

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    provider.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def closed_port_url() -> str:
    """An endpoint on this machine where nothing listens: the connection is refused."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
