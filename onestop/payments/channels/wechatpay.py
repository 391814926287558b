"""WeChat Pay, API v3, through the ``wechatpayv3`` SDK: requests signed with the merchant's
key (WECHATPAY2-SHA256-RSA2048), answers and notifications checked against WeChat Pay's
public key, notification resources decrypted with the APIv3 key (AEAD_AES_256_GCM).

H5 payment: the order is placed at /v3/pay/transactions/h5 and the payer goes to the
``h5_url`` it returns, with our page to come back to appended as ``redirect_url``. The
SDK checks signatures but not their age or whose order it is: a notification signed more
than five minutes ago is a replay, and one for another merchant or app is not ours, so
both are refused here.

The sandbox plugin (``wechatpay_sandbox``) is this very code pointed at the WeChat Pay
sandbox server on 127.0.0.1 (``onestop payments sandbox``), with keys made for it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wechatpayv3 import WeChatPay, WeChatPayType

from onestop.core.plugins import PluginConfigError
from onestop.payments.channels import (
    NOTIFICATION_MAX_AGE_SECONDS,
    Answer,
    ChannelOrder,
    ChannelPayment,
    ChannelUnavailable,
    NotificationRejected,
    PaymentChannel,
    Prepay,
    payment_channels,
)

if TYPE_CHECKING:
    from onestop.payments.models import PaymentOrder

logger = logging.getLogger(__name__)
CHINA = timezone(timedelta(hours=8))
SUCCESS = "SUCCESS"
_clients: dict[tuple[tuple[str, Any], ...], WeChatPay] = {}


def _china_time(moment: datetime) -> str:
    """RFC 3339 at +08:00, as WeChat Pay writes its times (time_expire)."""
    return moment.astimezone(CHINA).isoformat(timespec="seconds")


class WeChatPayConfig:
    """The merchant's settings: ids, its private key and certificate serial, the APIv3
    key, WeChat Pay's public key and its id, and the gateway."""

    def __init__(
        self,
        *,
        mchid: str,
        appid: str,
        cert_serial_no: str,
        private_key_path: str,
        apiv3_key: str,
        public_key_path: str,
        public_key_id: str,
        gateway: str,
        timeout: float,
    ) -> None:
        self.mchid, self.appid, self.cert_serial_no = mchid, appid, cert_serial_no
        self.private_key_path, self.public_key_path = private_key_path, public_key_path
        self.apiv3_key, self.public_key_id = apiv3_key, public_key_id
        self.gateway, self.timeout = gateway.rstrip("/"), timeout


@payment_channels.register("wechatpay")
class WeChatPayChannel(PaymentChannel):
    verbose_name = _("WeChat Pay")
    channel_name = _("WeChat Pay")

    def config(self) -> WeChatPayConfig:
        return WeChatPayConfig(
            mchid=settings.ONESTOP_WECHATPAY_MCHID,
            appid=settings.ONESTOP_WECHATPAY_APPID,
            cert_serial_no=settings.ONESTOP_WECHATPAY_CERT_SERIAL_NO,
            private_key_path=settings.ONESTOP_WECHATPAY_PRIVATE_KEY_PATH,
            apiv3_key=settings.ONESTOP_WECHATPAY_APIV3_KEY,
            public_key_path=settings.ONESTOP_WECHATPAY_PUBLIC_KEY_PATH,
            public_key_id=settings.ONESTOP_WECHATPAY_PUBLIC_KEY_ID,
            gateway=settings.ONESTOP_WECHATPAY_GATEWAY,
            timeout=settings.ONESTOP_WECHATPAY_TIMEOUT_SECONDS,
        )

    def check_config(self) -> None:
        config = self.config()
        missing = [
            name
            for name, value in (
                ("ONESTOP_WECHATPAY_MCHID", config.mchid),
                ("ONESTOP_WECHATPAY_APPID", config.appid),
                ("ONESTOP_WECHATPAY_CERT_SERIAL_NO", config.cert_serial_no),
                ("ONESTOP_WECHATPAY_PRIVATE_KEY_PATH", config.private_key_path),
                ("ONESTOP_WECHATPAY_APIV3_KEY", config.apiv3_key),
                ("ONESTOP_WECHATPAY_PUBLIC_KEY_PATH", config.public_key_path),
                ("ONESTOP_WECHATPAY_PUBLIC_KEY_ID", config.public_key_id),
            )
            if not value
        ]
        if missing:
            raise PluginConfigError(
                f"missing {', '.join(missing)}",
                hint="The merchant platform (pay.weixin.qq.com) shows the merchant id, the API "
                "certificate's serial number, the APIv3 key and WeChat Pay's public key and its id.",
            )
        if len(config.apiv3_key.encode()) != 32:
            raise PluginConfigError("ONESTOP_WECHATPAY_APIV3_KEY must be 32 bytes")
        for path in (config.private_key_path, config.public_key_path):
            if not Path(path).is_file():
                raise PluginConfigError(f"no such key file: {path}")

    @property
    def _client(self) -> WeChatPay:
        """The SDK's client for the settings of the moment (made once for each)."""
        config = self.config()
        key = tuple(sorted(vars(config).items()))
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = self._new_client(config)
        return client

    @staticmethod
    def _new_client(config: WeChatPayConfig) -> WeChatPay:
        client = WeChatPay(
            wechatpay_type=WeChatPayType.H5,
            mchid=config.mchid,
            private_key=Path(config.private_key_path).read_text(),
            cert_serial_no=config.cert_serial_no,
            appid=config.appid,
            apiv3_key=config.apiv3_key,
            public_key=Path(config.public_key_path).read_text(),
            public_key_id=config.public_key_id,
            timeout=(config.timeout, config.timeout),
            logger=logger,
        )
        # The SDK's one gateway is WeChat Pay's; the same requests go to the one configured.
        client._core._gate_way = config.gateway
        return client

    def _request(self, call: str, **arguments: Any) -> tuple[int, Any]:
        try:
            code, message = getattr(self._client, call)(**arguments)
        except Exception as error:  # the SDK raises bare Exceptions: network, a bad signature
            raise ChannelUnavailable(f"WeChat Pay {call}: {error}") from error
        return code, message

    def prepay(self, order: PaymentOrder, *, description: str, notify_url: str, return_url: str) -> Prepay:
        code, message = self._request(
            "pay",
            description=description[:127],
            out_trade_no=order.number,
            amount={"total": order.amount_fen, "currency": "CNY"},
            time_expire=_china_time(order.expires_at),
            notify_url=notify_url,
            attach=order.tenant.code,
            scene_info={"payer_client_ip": "127.0.0.1", "h5_info": {"type": "Wap"}},
        )
        if code != 200:
            raise ChannelUnavailable(f"WeChat Pay refused the order {order.number}: {code} {message}")
        try:
            h5_url = json.loads(message).get("h5_url", "")
        except (ValueError, AttributeError):
            raise ChannelUnavailable(f"WeChat Pay answered {order.number} with no JSON object") from None
        if not h5_url:
            raise ChannelUnavailable(f"WeChat Pay gave no h5_url for {order.number}")
        return Prepay(pay_url=f"{h5_url}&redirect_url={quote(return_url, safe='')}")

    def verify_notification(self, headers: Mapping[str, str], body: bytes) -> ChannelPayment:
        lowered = {name.lower(): value for name, value in headers.items()}
        try:
            signed_at = int(lowered.get("wechatpay-timestamp", ""))
        except ValueError:
            raise NotificationRejected("malformed", "no timestamp") from None
        if abs(time.time() - signed_at) > NOTIFICATION_MAX_AGE_SECONDS:
            raise NotificationRejected("stale", f"signed at {signed_at}")
        sdk_headers = {
            "Wechatpay-Signature": lowered.get("wechatpay-signature", ""),
            "Wechatpay-Timestamp": lowered.get("wechatpay-timestamp", ""),
            "Wechatpay-Nonce": lowered.get("wechatpay-nonce", ""),
            "Wechatpay-Serial": lowered.get("wechatpay-serial", ""),
            "Wechatpay-Signature-Type": lowered.get("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048"),
        }
        if sdk_headers["Wechatpay-Serial"] != self.config().public_key_id:
            raise NotificationRejected("bad_signature", "signed with another key")
        try:
            text = body.decode()
            data = self._client.callback(sdk_headers, text)
        except (UnicodeDecodeError, ValueError) as error:
            raise NotificationRejected("malformed", str(error)) from None
        except Exception as error:  # the SDK's bare Exception: an algorithm it does not know
            raise NotificationRejected("malformed", str(error)) from None
        if not data:
            raise NotificationRejected("bad_signature", "the signature or the resource did not verify")
        if data.get("event_type") != "TRANSACTION.SUCCESS":
            raise NotificationRejected("not_a_payment", str(data.get("event_type")))
        return self._payment(data["resource"], notification_id=str(data.get("id", "")))

    def _payment(self, resource: Any, *, notification_id: str) -> ChannelPayment:
        """A successful transaction resource as a payment, once it is ours."""
        config = self.config()
        if not isinstance(resource, dict):
            raise NotificationRejected("malformed", "the resource is no object")
        if resource.get("mchid") != config.mchid or resource.get("appid") != config.appid:
            raise NotificationRejected("wrong_merchant", f"{resource.get('mchid')}/{resource.get('appid')}")
        if resource.get("trade_state") != SUCCESS:
            raise NotificationRejected("not_a_payment", str(resource.get("trade_state")))
        amount = resource.get("amount")
        if not isinstance(amount, dict):
            raise NotificationRejected("malformed", "amount")
        total, currency = amount.get("total"), amount.get("currency", "CNY")
        try:
            succeeded_at = datetime.fromisoformat(str(resource.get("success_time")))
        except ValueError:
            raise NotificationRejected("malformed", "success_time") from None
        transaction, order_number = resource.get("transaction_id"), resource.get("out_trade_no")
        if (
            not isinstance(total, int)
            or isinstance(total, bool)
            or currency != "CNY"
            or not isinstance(transaction, str)
            or not isinstance(order_number, str)
            or not notification_id
        ):
            raise NotificationRejected("malformed", "amount, transaction or order")
        return ChannelPayment(
            notification_id=notification_id,
            order_number=order_number,
            channel_transaction=transaction,
            amount_fen=total,
            succeeded_at=succeeded_at,
            body=resource,
            tenant_code=str(resource.get("attach", "")),
        )

    def query(self, order: PaymentOrder) -> ChannelOrder:
        code, message = self._request("query", out_trade_no=order.number)
        if code == 404:
            return ChannelOrder("unknown")
        if code != 200:
            raise ChannelUnavailable(f"WeChat Pay query of {order.number}: {code} {message}")
        try:
            resource = json.loads(message)
            state = resource.get("trade_state")
        except (ValueError, AttributeError):
            raise ChannelUnavailable(
                f"WeChat Pay answered a query of {order.number} with no JSON object"
            ) from None
        if state == SUCCESS:
            try:
                payment = self._payment(resource, notification_id=f"query:{resource.get('transaction_id')}")
            except NotificationRejected as error:
                raise ChannelUnavailable(f"WeChat Pay answered a query of {order.number}: {error}") from None
            return ChannelOrder("paid", payment)
        if state in ("CLOSED", "REVOKED", "PAYERROR", "REFUND"):
            return ChannelOrder("closed")
        return ChannelOrder("open")  # NOTPAY, USERPAYING

    def close(self, order: PaymentOrder) -> None:
        code, message = self._request("close", out_trade_no=order.number)
        if code not in (200, 204):
            raise ChannelUnavailable(f"WeChat Pay close of {order.number}: {code} {message}")

    def accepted(self) -> Answer:
        return Answer(204, "application/json", b"")

    def refused(self, reason: str) -> Answer:
        return Answer(400, "application/json", json.dumps({"code": "FAIL", "message": reason}).encode())


@payment_channels.register("wechatpay_sandbox")
class WeChatPaySandboxChannel(WeChatPayChannel):
    """WeChat Pay's own protocol against the sandbox server on 127.0.0.1, which keeps its
    keys in the installation's var/ directory: nothing leaves the machine."""

    verbose_name = _("WeChat Pay (sandbox)")
    is_sandbox = True
    companion = ("payments", "sandbox", "wechatpay")

    def config(self) -> WeChatPayConfig:
        from onestop.payments.sandbox.keys import wechatpay_keys

        keys = wechatpay_keys()
        return WeChatPayConfig(
            mchid=keys.mchid,
            appid=keys.appid,
            cert_serial_no=keys.merchant_serial_no,
            private_key_path=str(keys.merchant_private_key_path),
            apiv3_key=keys.apiv3_key,
            public_key_path=str(keys.platform_public_key_path),
            public_key_id=keys.platform_public_key_id,
            gateway=settings.ONESTOP_WECHATPAY_SANDBOX_URL,
            timeout=settings.ONESTOP_WECHATPAY_TIMEOUT_SECONDS,
        )

    def check_config(self) -> None:
        address = urlsplit(settings.ONESTOP_WECHATPAY_SANDBOX_URL)
        if address.scheme != "http" or address.hostname not in ("127.0.0.1", "localhost"):
            raise PluginConfigError(
                "ONESTOP_WECHATPAY_SANDBOX_URL must be on this machine (http://127.0.0.1:…)"
            )
