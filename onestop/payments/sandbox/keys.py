"""The keys the WeChat Pay sandbox and the sandbox plugin share, made once for this
installation in var/sandbox/wechatpay/ (never downloaded, never a real merchant's): the
merchant's key pair (the plugin signs, the sandbox checks), WeChat Pay's own key pair (the
sandbox signs, the plugin checks) and the APIv3 key that encrypts notifications."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

SANDBOX_MCHID = "1900000109"
SANDBOX_APPID = "wxsandbox0000onestop"


@dataclass(frozen=True)
class WeChatPayKeys:
    directory: Path
    mchid: str
    appid: str
    merchant_serial_no: str
    apiv3_key: str
    platform_public_key_id: str

    @property
    def merchant_private_key_path(self) -> Path:
        return self.directory / "merchant-private.pem"

    @property
    def merchant_public_key_path(self) -> Path:
        return self.directory / "merchant-public.pem"

    @property
    def platform_private_key_path(self) -> Path:
        return self.directory / "platform-private.pem"

    @property
    def platform_public_key_path(self) -> Path:
        return self.directory / "platform-public.pem"


def wechatpay_keys() -> WeChatPayKeys:
    return _keys(Path(settings.ONESTOP_PAYMENT_SANDBOX_DIR) / "wechatpay")


@lru_cache(maxsize=8)
def _keys(directory: Path) -> WeChatPayKeys:
    if not (directory / "keys.json").is_file():
        _make(directory)
    facts = json.loads((directory / "keys.json").read_text())
    return WeChatPayKeys(directory=directory, **facts)


def _make(directory: Path) -> None:
    """Make the keys in a directory of their own and move it into place whole: of two
    processes making them at once, one set wins and both use it."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".wechatpay-", dir=directory.parent))
    try:
        for name in ("merchant", "platform"):
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            (scratch / f"{name}-private.pem").write_bytes(
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
            (scratch / f"{name}-public.pem").write_bytes(
                key.public_key().public_bytes(
                    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
                )
            )
        facts = {
            "mchid": SANDBOX_MCHID,
            "appid": SANDBOX_APPID,
            "merchant_serial_no": secrets.token_hex(20).upper(),
            "apiv3_key": secrets.token_urlsafe(24)[:32],
            "platform_public_key_id": f"PUB_KEY_ID_{secrets.token_hex(16).upper()}",
        }
        (scratch / "keys.json").write_text(json.dumps(facts, indent=2))
        for path in scratch.iterdir():
            path.chmod(0o600)
        try:
            os.rename(scratch, directory)
        except OSError:
            if not (directory / "keys.json").is_file():
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
