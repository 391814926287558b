"""The WeChat Pay sandbox: a server on 127.0.0.1 that speaks WeChat Pay's API v3 as the
merchant's plugin meets it, so that the plugin's own code runs end to end.

It checks every request's WECHATPAY2-SHA256-RSA2048 signature against the merchant's key
(with its serial, merchant id and a fresh timestamp), signs every answer with WeChat
Pay's key, and sends notifications the way WeChat Pay does: signed, the resource
encrypted with the APIv3 key (AEAD_AES_256_GCM), sent again until answered with 200 or
204 (on a compressed schedule). When asked (``behaviour``) it sends them late,
duplicated, held back and then out of order, or not at all, and it makes trade bills in
WeChat Pay's own format. Its cashier page says on its face that it is a sandbox and that
no money moves. It binds to 127.0.0.1 only.

Run it with ``onestop payments sandbox``; the demo's ``serve`` starts it.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import json
import logging
import re
import secrets
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key

from onestop.payments.sandbox.keys import WeChatPayKeys

logger = logging.getLogger(__name__)
CHINA = timezone(timedelta(hours=8))
MAX_AGE_SECONDS = 300
# WeChat Pay tries again at 15 s, 15 s, 30 s, 3 min, 10 min, 20 min … for up to 24 hours;
# the sandbox keeps the order of things on a shorter clock.
RETRY_AFTER_SECONDS = (1, 2, 4, 8, 15, 30, 60, 120, 300)
FEE_RATE = Decimal("0.006")
AUTHORIZATION = re.compile(r'(\w+)="([^"]*)"')


def china_time(moment: datetime) -> str:
    return moment.astimezone(CHINA).isoformat(timespec="seconds")


def yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:.2f}"


def fee_of(fen: int) -> int:
    return int((Decimal(fen) * FEE_RATE).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class Behaviour:
    """How notifications go out: after ``delay_seconds``, each sent ``1 + duplicates``
    times, held back until released (``hold``), or never (``drop``: the merchant must ask)."""

    delay_seconds: float = 0.0
    duplicates: int = 0
    hold: bool = False
    drop: bool = False


@dataclass
class Trade:
    out_trade_no: str
    description: str
    total: int
    notify_url: str
    time_expire: datetime | None
    prepay_id: str
    created_at: datetime
    state: str = "NOTPAY"  # SUCCESS, CLOSED, REFUND
    transaction_id: str = ""
    success_time: datetime | None = None
    openid: str = ""
    refunded: int = 0
    attach: str = ""


@dataclass
class Refund:
    out_refund_no: str
    refund_id: str
    trade: Trade
    amount: int
    notify_url: str
    created_at: datetime
    status: str = "PROCESSING"  # SUCCESS
    success_time: datetime | None = None


@dataclass
class Notification:
    url: str
    body: dict[str, Any]
    due: float
    attempt: int = 0


class SandboxError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class WeChatPaySandbox:
    """The sandbox's state and its behaviour, apart from HTTP: tests drive it directly."""

    keys: WeChatPayKeys
    base_url: str = ""
    behaviour: Behaviour = field(default_factory=Behaviour)
    trades: dict[str, Trade] = field(default_factory=dict)
    refunds: dict[str, Refund] = field(default_factory=dict)
    held: list[Notification] = field(default_factory=list)
    log: list[dict[str, Any]] = field(default_factory=list)  # every notification sent and its answer

    def __post_init__(self) -> None:
        self._lock = threading.RLock()
        self._outbox: list[Notification] = []
        self._wake = threading.Condition(self._lock)
        self._stopped = False
        merchant = load_pem_public_key(self.keys.merchant_public_key_path.read_bytes())
        platform = load_pem_private_key(self.keys.platform_private_key_path.read_bytes(), None)
        if not isinstance(merchant, rsa.RSAPublicKey) or not isinstance(platform, rsa.RSAPrivateKey):
            raise ValueError("the WeChat Pay sandbox's keys are RSA keys")
        self._merchant_key, self._platform_key = merchant, platform

    # The protocol's signatures -------------------------------------------------------------

    def check_authorization(self, method: str, path: str, header: str, body: str) -> None:
        """A merchant request's signature, serial, merchant id and freshness, or a 401."""
        scheme, _, fields = header.partition(" ")
        values = dict(AUTHORIZATION.findall(fields))
        refused = SandboxError(HTTPStatus.UNAUTHORIZED, "SIGN_ERROR", "签名错误")
        if scheme != "WECHATPAY2-SHA256-RSA2048" or values.get("mchid") != self.keys.mchid:
            raise refused
        if values.get("serial_no") != self.keys.merchant_serial_no:
            raise refused
        try:
            stamp = int(values.get("timestamp", ""))
            signature = base64.b64decode(values.get("signature", ""), validate=True)
        except ValueError:
            raise refused from None
        if abs(time.time() - stamp) > MAX_AGE_SECONDS:
            raise refused
        message = f"{method}\n{path}\n{stamp}\n{values.get('nonce_str', '')}\n{body}\n".encode()
        try:
            self._merchant_key.verify(signature, message, PKCS1v15(), SHA256())
        except InvalidSignature:
            raise refused from None

    def signed_headers(self, body: str, *, timestamp: int | None = None) -> dict[str, str]:
        """WeChat Pay's signature of an answer or a notification."""
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce = secrets.token_hex(16).upper()
        message = f"{stamp}\n{nonce}\n{body}\n".encode()
        signature = self._platform_key.sign(message, PKCS1v15(), SHA256())
        return {
            "Wechatpay-Timestamp": stamp,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Signature": base64.b64encode(signature).decode(),
            "Wechatpay-Serial": self.keys.platform_public_key_id,
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
            "Request-ID": uuid.uuid4().hex,
        }

    def encrypt(self, resource: dict[str, Any], associated_data: str) -> dict[str, str]:
        nonce = secrets.token_hex(6)
        ciphertext = AESGCM(self.keys.apiv3_key.encode()).encrypt(
            nonce.encode(), json.dumps(resource, ensure_ascii=False).encode(), associated_data.encode()
        )
        return {
            "original_type": associated_data,
            "algorithm": "AEAD_AES_256_GCM",
            "ciphertext": base64.b64encode(ciphertext).decode(),
            "associated_data": associated_data,
            "nonce": nonce,
        }

    # The merchant API ---------------------------------------------------------------------

    def place(self, kind: str, data: dict[str, Any]) -> dict[str, Any]:
        """/v3/pay/transactions/{h5,native,jsapi}: the order, placed once; the same order
        placed again with the same terms answers the same."""
        if data.get("mchid") != self.keys.mchid or data.get("appid") != self.keys.appid:
            raise SandboxError(HTTPStatus.BAD_REQUEST, "APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配")
        amount = data.get("amount") or {}
        total, number = amount.get("total"), data.get("out_trade_no")
        if (
            not isinstance(total, int)
            or total <= 0
            or not isinstance(number, str)
            or not 6 <= len(number) <= 32
            or not str(data.get("notify_url", "")).startswith(("http://", "https://"))
            or not data.get("description")
        ):
            raise SandboxError(HTTPStatus.BAD_REQUEST, "PARAM_ERROR", "参数错误")
        expire = data.get("time_expire")
        with self._lock:
            trade = self.trades.get(number)
            if trade is not None:
                if trade.total != total:
                    raise SandboxError(HTTPStatus.BAD_REQUEST, "OUT_TRADE_NO_USED", "商户订单号重复")
                if trade.state != "NOTPAY":
                    raise SandboxError(
                        HTTPStatus.BAD_REQUEST,
                        "ORDERPAID" if trade.state == "SUCCESS" else "ORDER_CLOSED",
                        "订单状态错误",
                    )
            else:
                trade = self.trades[number] = Trade(
                    out_trade_no=number,
                    description=str(data["description"]),
                    total=total,
                    notify_url=str(data["notify_url"]),
                    time_expire=datetime.fromisoformat(expire) if expire else None,
                    prepay_id=f"wx{datetime.now(CHINA):%d%H%M%S}{secrets.token_hex(12)}",
                    created_at=datetime.now(CHINA),
                    attach=str(data.get("attach", ""))[:128],
                )
        if kind == "h5":
            query = urlencode({"prepay_id": trade.prepay_id, "package": secrets.randbelow(10**10)})
            return {"h5_url": f"{self.base_url}/cgi-bin/mmpayweb-bin/checkmweb?{query}"}
        if kind == "native":
            return {"code_url": f"{self.base_url}/pay/bizpayurl?pr={trade.prepay_id}"}
        return {"prepay_id": trade.prepay_id}

    def resource(self, trade: Trade) -> dict[str, Any]:
        """The transaction as WeChat Pay describes it (a query's answer, a notification's resource)."""
        answer: dict[str, Any] = {
            "appid": self.keys.appid,
            "mchid": self.keys.mchid,
            "out_trade_no": trade.out_trade_no,
            "trade_type": "MWEB",
            "trade_state": trade.state,
            "trade_state_desc": {"SUCCESS": "支付成功", "NOTPAY": "未支付", "CLOSED": "已关闭"}.get(
                trade.state, ""
            ),
            "attach": trade.attach,
            "amount": {"total": trade.total, "currency": "CNY"},
        }
        if trade.transaction_id:
            answer.update(
                transaction_id=trade.transaction_id,
                bank_type="OTHERS",
                success_time=china_time(trade.success_time) if trade.success_time else "",
                payer={"openid": trade.openid},
            )
            answer["amount"].update(payer_total=trade.total, payer_currency="CNY")
        return answer

    def query(self, *, out_trade_no: str = "", transaction_id: str = "") -> dict[str, Any]:
        with self._lock:
            trade = (
                self.trades.get(out_trade_no)
                if out_trade_no
                else next(
                    (
                        t
                        for t in self.trades.values()
                        if t.transaction_id == transaction_id and transaction_id
                    ),
                    None,
                )
            )
            if trade is None:
                raise SandboxError(HTTPStatus.NOT_FOUND, "ORDER_NOT_EXIST", "订单不存在")
            self._expire(trade)
            return self.resource(trade)

    def _expire(self, trade: Trade) -> None:
        if trade.state == "NOTPAY" and trade.time_expire and datetime.now(CHINA) > trade.time_expire:
            trade.state = "CLOSED"

    def close(self, out_trade_no: str) -> None:
        with self._lock:
            trade = self.trades.get(out_trade_no)
            if trade is None:
                raise SandboxError(HTTPStatus.NOT_FOUND, "ORDER_NOT_EXIST", "订单不存在")
            if trade.state == "SUCCESS":
                raise SandboxError(HTTPStatus.BAD_REQUEST, "ORDERPAID", "订单已支付")
            trade.state = "CLOSED"

    def pay(self, prepay_id: str) -> Trade:
        """The payer paid at the cashier: the trade succeeds and its notification goes out."""
        with self._lock:
            trade = next((t for t in self.trades.values() if t.prepay_id == prepay_id), None)
            if trade is None:
                raise SandboxError(HTTPStatus.NOT_FOUND, "ORDER_NOT_EXIST", "订单不存在")
            self._expire(trade)
            if trade.state != "NOTPAY":
                raise SandboxError(HTTPStatus.BAD_REQUEST, "ORDER_CLOSED", "订单已支付或已关闭")
            trade.state = "SUCCESS"
            trade.transaction_id = f"4200{datetime.now(CHINA):%Y%m%d}{secrets.randbelow(10**14):014d}"
            trade.success_time = datetime.now(CHINA)
            trade.openid = f"o{secrets.token_urlsafe(20)}"
            self.notify(
                trade.notify_url, "TRANSACTION.SUCCESS", "支付成功", "transaction", self.resource(trade)
            )
        return trade

    def refund(self, data: dict[str, Any]) -> dict[str, Any]:
        """/v3/refund/domestic/refunds: a refund of part or all of a paid trade, once per
        out_refund_no; it succeeds a moment later and its notification goes out."""
        amount = data.get("amount") or {}
        number, refund = data.get("out_refund_no"), amount.get("refund")
        with self._lock:
            trade = self.trades.get(str(data.get("out_trade_no", "")))
            if trade is None:
                raise SandboxError(HTTPStatus.NOT_FOUND, "RESOURCE_NOT_EXISTS", "订单不存在")
            if (
                not isinstance(number, str)
                or not isinstance(refund, int)
                or refund <= 0
                or amount.get("total") != trade.total
            ):
                raise SandboxError(HTTPStatus.BAD_REQUEST, "PARAM_ERROR", "参数错误")
            existing = self.refunds.get(number)
            if existing is None:
                if trade.state not in ("SUCCESS", "REFUND") or trade.refunded + refund > trade.total:
                    raise SandboxError(HTTPStatus.FORBIDDEN, "NOT_ENOUGH", "可退金额不足")
                trade.refunded += refund
                trade.state = "REFUND"
                existing = self.refunds[number] = Refund(
                    out_refund_no=number,
                    refund_id=f"5030{datetime.now(CHINA):%Y%m%d}{secrets.randbelow(10**14):014d}",
                    trade=trade,
                    amount=refund,
                    notify_url=str(data.get("notify_url") or trade.notify_url),
                    created_at=datetime.now(CHINA),
                )
                existing.status, existing.success_time = "SUCCESS", datetime.now(CHINA)
                self.notify(
                    existing.notify_url,
                    "REFUND.SUCCESS",
                    "退款成功",
                    "refund",
                    self.refund_resource(existing),
                )
            return self.refund_resource(existing)

    def refund_resource(self, refund: Refund) -> dict[str, Any]:
        return {
            "mchid": self.keys.mchid,
            "out_trade_no": refund.trade.out_trade_no,
            "transaction_id": refund.trade.transaction_id,
            "out_refund_no": refund.out_refund_no,
            "refund_id": refund.refund_id,
            "refund_status": refund.status,
            "status": refund.status,
            "success_time": china_time(refund.success_time) if refund.success_time else "",
            "create_time": china_time(refund.created_at),
            "user_received_account": "支付用户零钱",
            "amount": {
                "total": refund.trade.total,
                "refund": refund.amount,
                "payer_total": refund.trade.total,
                "payer_refund": refund.amount,
                "currency": "CNY",
            },
        }

    def query_refund(self, out_refund_no: str) -> dict[str, Any]:
        with self._lock:
            refund = self.refunds.get(out_refund_no)
            if refund is None:
                raise SandboxError(HTTPStatus.NOT_FOUND, "RESOURCE_NOT_EXISTS", "退款单不存在")
            return self.refund_resource(refund)

    # Trade bills ---------------------------------------------------------------------------

    def trade_bill(self, on: date) -> str:
        """The day's trade bill (交易账单, type ALL) in WeChat Pay's format: a header, one
        line per payment and per refund with each field behind a backquote, amounts in
        yuan, then the day's totals."""
        header = (
            "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,"
            "付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,"
            "退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
        )
        lines, paid, refunded, fees = [header], 0, 0, 0
        with self._lock:
            for trade in sorted(self.trades.values(), key=lambda t: t.success_time or t.created_at):
                if trade.success_time is None or trade.success_time.date() != on:
                    continue
                fee = fee_of(trade.total)
                paid, fees = paid + trade.total, fees + fee
                lines.append(self._bill_line(trade.success_time, trade, "SUCCESS", trade.total, fee, None))
            for refund in sorted(self.refunds.values(), key=lambda r: r.created_at):
                if refund.success_time is None or refund.success_time.date() != on:
                    continue
                fee = -fee_of(refund.amount)
                refunded, fees = refunded + refund.amount, fees + fee
                lines.append(self._bill_line(refund.success_time, refund.trade, "REFUND", 0, fee, refund))
        count = len(lines) - 1
        lines.append(
            "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
        )
        lines.append(
            ",".join(
                f"`{v}"
                for v in (count, yuan(paid), yuan(refunded), "0.00", yuan(fees), yuan(paid), yuan(refunded))
            )
        )
        return "\r\n".join(lines) + "\r\n"

    def _bill_line(
        self, moment: datetime, trade: Trade, state: str, settled: int, fee: int, refund: Refund | None
    ) -> str:
        values = [
            moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S"),
            self.keys.appid,
            self.keys.mchid,
            "0",
            "",
            trade.transaction_id,
            trade.out_trade_no,
            trade.openid,
            "MWEB",
            state,
            "OTHERS",
            "CNY",
            yuan(settled),
            "0.00",
            refund.refund_id if refund else "0",
            refund.out_refund_no if refund else "0",
            yuan(refund.amount) if refund else "0.00",
            "0.00",
            "ORIGINAL" if refund else "",
            "SUCCESS" if refund else "",
            trade.description.replace(",", "，"),
            "",
            yuan(fee),
            "0.60%",
            yuan(trade.total),
            yuan(refund.amount) if refund else "0.00",
            "",
        ]
        return ",".join(f"`{value}" for value in values)

    # Notifications ------------------------------------------------------------------------

    def notify(
        self, url: str, event_type: str, summary: str, original_type: str, resource: dict[str, Any]
    ) -> None:
        body = {
            "id": str(uuid.uuid4()),
            "create_time": china_time(datetime.now(CHINA)),
            "resource_type": "encrypt-resource",
            "event_type": event_type,
            "summary": summary,
            "resource": self.encrypt(resource, original_type),
        }
        with self._lock:
            if self.behaviour.drop:
                return
            copies = [
                Notification(url=url, body=body, due=time.monotonic() + self.behaviour.delay_seconds)
                for _ in range(1 + self.behaviour.duplicates)
            ]
            if self.behaviour.hold:
                self.held.extend(copies)
            else:
                self._outbox.extend(copies)
                self._wake.notify_all()

    def release(self, *, reverse: bool = False) -> int:
        """Send the held notifications now, in the order they were made or reversed."""
        with self._lock:
            held, self.held = self.held, []
            for notification in reversed(held) if reverse else held:
                notification.due = time.monotonic()
                self._outbox.append(notification)
            self._wake.notify_all()
            return len(held)

    def deliver(self, notification: Notification) -> int:
        """Send one notification, signed now; the answer's status (0 when none came)."""
        text = json.dumps(notification.body, ensure_ascii=False)
        request = urllib.request.Request(  # noqa: S310 - the merchant's notify_url, on loopback here
            notification.url,
            data=text.encode(),
            method="POST",
            headers={"Content-Type": "application/json", **self.signed_headers(text)},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
                status = answer.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = 0
        self.log.append({"id": notification.body["id"], "url": notification.url, "status": status})
        return status

    def run_notifications(self) -> None:
        """Send what is due, again later what was not answered, until stopped."""
        while True:
            with self._lock:
                while not self._stopped and not self._due():
                    waits = [n.due - time.monotonic() for n in self._outbox]
                    self._wake.wait(timeout=max(0.01, min(waits)) if waits else None)
                if self._stopped:
                    return
                notification = self._due()
                assert notification is not None
                self._outbox.remove(notification)
            status = self.deliver(notification)
            if status not in (200, 204) and notification.attempt < len(RETRY_AFTER_SECONDS):
                notification.due = time.monotonic() + RETRY_AFTER_SECONDS[notification.attempt]
                notification.attempt += 1
                with self._lock:
                    self._outbox.append(notification)

    def _due(self) -> Notification | None:
        now = time.monotonic()
        return next((n for n in self._outbox if n.due <= now), None)

    def recent(self, count: int) -> list[Trade]:
        with self._lock:
            return list(self.trades.values())[-count:]

    def pending(self) -> int:
        with self._lock:
            return len(self._outbox)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            self._wake.notify_all()


class Handler(BaseHTTPRequestHandler):
    server: SandboxServer
    server_version = "WeChatPaySandbox/1"

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("wechatpay sandbox: " + format, *args)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        sandbox = self.server.sandbox
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        query = {name: values[0] for name, values in parse_qs(url.query).items()}
        try:
            if url.path.startswith("/v3/"):
                text = raw.decode()
                sandbox.check_authorization(method, self.path, self.headers.get("Authorization", ""), text)
                self._api(method, url.path, query, json.loads(text) if text else {})
            elif url.path == "/cgi-bin/mmpayweb-bin/checkmweb":
                self._cashier(method, query, parse_qs(raw.decode()))
            elif url.path.startswith("/sandbox/") and self.headers.get("Content-Type") != "application/json":
                # JSON only: a web page elsewhere cannot send it without asking first (CORS),
                # and the sandbox answers no such question.
                raise SandboxError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "PARAM_ERROR", "需要 JSON")
            elif url.path == "/sandbox/behaviour" and method == "POST":
                sandbox.behaviour = Behaviour(**json.loads(raw or b"{}"))
                self._json(HTTPStatus.OK, {"behaviour": vars(sandbox.behaviour)})
            elif url.path == "/sandbox/release" and method == "POST":
                released = sandbox.release(reverse=json.loads(raw or b"{}").get("reverse", False))
                self._json(HTTPStatus.OK, {"released": released})
            elif url.path == "/" and method == "GET":
                self._page(HTTPStatus.OK, self._index())
            else:
                raise SandboxError(HTTPStatus.NOT_FOUND, "NOT_FOUND", "没有这个接口")
        except SandboxError as error:
            if url.path.startswith("/v3/"):
                self._json(error.status, {"code": error.code, "message": error.message}, sign=False)
            else:
                self._page(error.status, f"<p>{html.escape(error.message)} ({error.code})</p>")
        except (ValueError, TypeError, KeyError, AttributeError):
            self._json(HTTPStatus.BAD_REQUEST, {"code": "PARAM_ERROR", "message": "参数错误"}, sign=False)

    def _api(self, method: str, path: str, query: dict[str, str], data: dict[str, Any]) -> None:
        sandbox = self.server.sandbox
        parts = path.strip("/").split("/")
        if method == "POST" and path in (
            "/v3/pay/transactions/h5",
            "/v3/pay/transactions/native",
            "/v3/pay/transactions/jsapi",
        ):
            self._json(HTTPStatus.OK, sandbox.place(parts[-1], data))
        elif (
            method == "GET" and parts[:4] == ["v3", "pay", "transactions", "out-trade-no"] and len(parts) == 5
        ):
            self._mchid(query)
            self._json(HTTPStatus.OK, sandbox.query(out_trade_no=parts[4]))
        elif method == "GET" and parts[:4] == ["v3", "pay", "transactions", "id"] and len(parts) == 5:
            self._mchid(query)
            self._json(HTTPStatus.OK, sandbox.query(transaction_id=parts[4]))
        elif (
            method == "POST"
            and parts[:4] == ["v3", "pay", "transactions", "out-trade-no"]
            and parts[5:] == ["close"]
        ):
            self._mchid(data)
            sandbox.close(parts[4])
            self._json(HTTPStatus.NO_CONTENT, None)
        elif method == "POST" and path == "/v3/refund/domestic/refunds":
            self._json(HTTPStatus.OK, sandbox.refund(data))
        elif method == "GET" and parts[:4] == ["v3", "refund", "domestic", "refunds"] and len(parts) == 5:
            self._json(HTTPStatus.OK, sandbox.query_refund(parts[4]))
        elif method == "GET" and path == "/v3/bill/tradebill":
            on = date.fromisoformat(query["bill_date"])
            if on >= datetime.now(CHINA).date():
                raise SandboxError(HTTPStatus.BAD_REQUEST, "NO_STATEMENT_EXIST", "账单日期须早于今天")
            content = self._bill_bytes(on, query.get("tar_type", ""))
            token = base64.urlsafe_b64encode(
                json.dumps([on.isoformat(), query.get("tar_type", "")]).encode()
            ).decode()
            self._json(
                HTTPStatus.OK,
                {
                    "hash_type": "SHA1",
                    "hash_value": hashlib.sha1(content).hexdigest(),  # noqa: S324 - WeChat Pay's own choice
                    "download_url": f"{sandbox.base_url}/v3/billdownload/file?token={token}",
                },
            )
        elif method == "GET" and path == "/v3/billdownload/file":
            on_text, tar_type = json.loads(base64.urlsafe_b64decode(query["token"]))
            self._bytes(self._bill_bytes(date.fromisoformat(on_text), tar_type))
        else:
            raise SandboxError(HTTPStatus.NOT_FOUND, "NOT_FOUND", "没有这个接口")

    def _mchid(self, given: dict[str, Any]) -> None:
        if given.get("mchid") != self.server.sandbox.keys.mchid:
            raise SandboxError(HTTPStatus.BAD_REQUEST, "MCH_NOT_EXISTS", "商户号不存在")

    def _bill_bytes(self, on: date, tar_type: str) -> bytes:
        content = self.server.sandbox.trade_bill(on).encode()
        return gzip.compress(content, mtime=0) if tar_type == "GZIP" else content

    def _cashier(self, method: str, query: dict[str, str], form: dict[str, list[str]]) -> None:
        sandbox = self.server.sandbox
        if method == "POST":
            prepay_id, redirect = form.get("prepay_id", [""])[0], form.get("redirect_url", [""])[0]
            if form.get("action", [""])[0] == "pay":
                sandbox.pay(prepay_id)
            if redirect.startswith(("http://", "https://")):
                self.send_response(HTTPStatus.SEE_OTHER)
                self.send_header("Location", redirect)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self._page(HTTPStatus.OK, "<p>支付完成 · Paid</p>")
            return
        prepay_id = query.get("prepay_id", "")
        with sandbox._lock:
            trade = next((t for t in sandbox.trades.values() if t.prepay_id == prepay_id), None)
            if trade is None:
                raise SandboxError(HTTPStatus.NOT_FOUND, "ORDER_NOT_EXIST", "订单不存在")
            sandbox._expire(trade)
        escape = html.escape
        state = {
            "NOTPAY": "",
            "SUCCESS": "<p class=warn>此订单已支付 · This order is paid already.</p>",
            "CLOSED": "<p class=warn>此订单已关闭 · This order is closed.</p>",
        }.get(trade.state, "")
        buttons = (
            "<button name=action value=pay class=pay>确认支付 · Pay</button>"
            "<button name=action value=cancel class=cancel>取消 · Cancel</button>"
            if trade.state == "NOTPAY"
            else "<button name=action value=back class=cancel>返回商户 · Back</button>"
        )
        self._page(
            HTTPStatus.OK,
            f"""<h1>微信支付 · WeChat Pay</h1>
<p class=amount>¥{yuan(trade.total)}</p>
<p>{escape(trade.description)}</p>
<p class=muted>商户订单号 · Order {escape(trade.out_trade_no)}</p>
{state}
<form method=post>
<input type=hidden name=prepay_id value="{escape(prepay_id)}">
<input type=hidden name=redirect_url value="{escape(query.get("redirect_url", ""))}">
{buttons}
</form>""",
        )

    def _index(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(t.out_trade_no)}</td><td>¥{yuan(t.total)}</td><td>{t.state}</td></tr>"
            for t in self.server.sandbox.recent(50)
        )
        return f"<h1>微信支付沙箱 · WeChat Pay sandbox</h1><table>{rows}</table>"

    def _page(self, status: int, content: str) -> None:
        page = f"""<!doctype html><html lang=zh-Hans><meta charset=utf-8>
<meta name=viewport content="width=device-width, initial-scale=1">
<title>微信支付沙箱 · WeChat Pay sandbox</title>
<style>body{{font-family:system-ui,sans-serif;margin:0;background:#f2f2f2;color:#222}}
.sandbox{{background:#b00020;color:#fff;padding:.75rem 1rem;font-weight:600}}
main{{max-width:28rem;margin:1rem auto;background:#fff;padding:1.5rem;border-radius:.5rem}}
.amount{{font-size:2.2rem;font-weight:700;margin:.5rem 0}}.muted{{color:#666;font-size:.9rem}}
.warn{{color:#b00020}}button{{display:block;width:100%;padding:.8rem;margin:.5rem 0;font-size:1rem;border-radius:.4rem;border:0}}
.pay{{background:#07c160;color:#fff}}.cancel{{background:#e5e5e5}}</style>
<div class=sandbox role=alert>沙箱：这不是微信支付，不会扣款 · Sandbox: this is not WeChat Pay and no money moves</div>
<main>{content}</main></html>"""
        body = page.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: Any, *, sign: bool = True) -> None:
        text = "" if data is None else json.dumps(data, ensure_ascii=False)
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if sign:
            for name, value in self.server.sandbox.signed_headers(text).items():
                self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _bytes(self, body: bytes) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, sandbox: WeChatPaySandbox, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.sandbox = sandbox
        sandbox.base_url = f"http://127.0.0.1:{self.server_address[1]}"
        self._workers: list[threading.Thread] = []

    def start(self) -> SandboxServer:
        """Serve and send notifications in threads of this process (the tests, the demo's loader)."""
        for target in (self.serve_forever, self.sandbox.run_notifications):
            thread = threading.Thread(target=target, daemon=True, name=f"wechatpay-sandbox-{target.__name__}")
            thread.start()
            self._workers.append(thread)
        return self

    def stop(self) -> None:
        self.sandbox.stop()
        self.shutdown()
        self.server_close()
