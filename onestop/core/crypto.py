"""Protection of personal data at rest: field encryption and keyed hashes.

Encryption uses Fernet (AES-128-CBC with HMAC-SHA256) through MultiFernet, so keys can be
rotated: new values are written with the first key, and every listed key still reads.
``onestop keys rotate`` re-encrypts stored values with the first key. Lookups ("is this
phone number registered?") use an HMAC-SHA256 of the normalised value under a separate
key, so that the database never needs the plaintext to find a row.

Keys come from the environment (ONESTOP_DATA_KEYS: comma-separated Fernet keys, newest
first; ONESTOP_HASH_KEY; ONESTOP_AUDIT_KEY) or from key files at configured paths
(ONESTOP_KEYS_FILE: a JSON object with ``data`` and ``hash``; ONESTOP_AUDIT_KEY_FILE, kept
apart; `onestop keys init DIR` writes them). Without either, keys are generated once into
``var/keys.json`` (mode 0600), which is right for the demo and wrong for production:
`onestop check --deploy` refuses it (onestop.E006–E008).

The audit-head signing key (Ed25519, ADR 4) signs the published heads of the audit log.
It comes from ONESTOP_AUDIT_HEAD_KEY (the base64 of its 32 private bytes) or from the PEM
file at ONESTOP_AUDIT_HEAD_KEY_PATH, generated once (mode 0600) when missing. Like the
audit MAC key, it never goes into a database: whoever can rewrite the database must not
be able to sign a head that matches.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from functools import cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings


class DecryptionFailed(Exception):
    """A stored value does not decrypt with any configured key."""


def new_keys() -> dict[str, str]:
    """A fresh set: a Fernet data key, the hash key and the audit key (32 random bytes)."""
    return {
        "data": Fernet.generate_key().decode(),
        "hash": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "audit": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    }


def new_installation_keys() -> dict[str, str]:
    """Every key a new installation needs: ``new_keys`` plus the secret key and the audit
    heads' signing key (PEM)."""
    head = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return {**new_keys(), "secret": secrets.token_urlsafe(50), "audit_head": head.decode()}


def write_private(path: Path, text: str) -> None:
    """Write a new file only its owner reads (mode 0600); an existing one is refused."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)


def _generated_keys() -> dict[str, str]:
    path = Path(settings.VAR_DIR) / "keys.json"
    if path.exists():
        loaded: dict[str, str] = json.loads(path.read_text())
        return loaded
    keys = new_keys()
    write_private(path, json.dumps(keys))
    return keys


ENVIRONMENT, FILE, GENERATED = "environment", "file", "generated"
_VARIABLES = {"secret": "ONESTOP_SECRET_KEY", "data": "ONESTOP_DATA_KEYS", "hash": "ONESTOP_HASH_KEY"}
# Where each key is read when its variable is unset: a file holding it alone, or the keys
# file (JSON, one entry per key).
_FILES = {
    "secret": "ONESTOP_SECRET_KEY_FILE",
    "data": "ONESTOP_KEYS_FILE",
    "hash": "ONESTOP_KEYS_FILE",
    "audit": "ONESTOP_AUDIT_KEY_FILE",
}
_KEYS_FILE = "ONESTOP_KEYS_FILE"


def _variable(name: str) -> str:
    return _VARIABLES.get(name, f"ONESTOP_{name.upper()}_KEY")


def key_source(name: str) -> str:
    """Where the key ``name`` (secret, data, hash, audit) comes from."""
    if os.environ.get(_variable(name)):
        return ENVIRONMENT
    return FILE if os.environ.get(_FILES[name]) else GENERATED


def audit_key_apart() -> bool:
    """The audit key is not in the data keys' file, nor under var/ beside the database."""
    configured = os.environ.get(_FILES["audit"])
    if not configured:
        return key_source("audit") == ENVIRONMENT
    path = Path(configured).resolve()
    keys_file = os.environ.get(_KEYS_FILE)
    if keys_file and Path(keys_file).resolve() == path:
        return False
    return not path.is_relative_to(Path(settings.VAR_DIR).resolve())


def _configured(name: str) -> str:
    if value := os.environ.get(_variable(name)):
        return value
    if path := os.environ.get(_FILES[name]):
        text = Path(path).read_text()
        return str(json.loads(text)[name]) if _FILES[name] == _KEYS_FILE else text.strip()
    return _generated_keys()[name]


@cache
def _fernet() -> MultiFernet:
    configured = _configured("data")
    return MultiFernet([Fernet(key.strip().encode()) for key in configured.split(",") if key.strip()])


@cache
def _secret(name: str) -> bytes:
    return base64.urlsafe_b64decode(_configured(name).encode())


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionFailed("the value does not decrypt with any configured key") from exc


def reencrypt(token: str) -> str:
    """The same plaintext under the newest key (for rotation)."""
    return _fernet().rotate(token.encode()).decode()


def keyed_hash(purpose: str, value: str) -> str:
    """HMAC-SHA256 of a normalised value, separated by purpose so that equal values of
    different kinds (a phone number, an ID number) never share a hash."""
    message = f"{purpose}\x00{value}".encode()
    return hmac.new(_secret("hash"), message, hashlib.sha256).hexdigest()


def audit_mac(message: bytes) -> str:
    return hmac.new(_secret("audit"), message, hashlib.sha256).hexdigest()


def audit_head_key() -> Ed25519PrivateKey:
    """The key that signs the audit log's published heads."""
    return _audit_head_key(
        os.environ.get("ONESTOP_AUDIT_HEAD_KEY", ""), str(settings.ONESTOP_AUDIT_HEAD_KEY_PATH)
    )


@cache
def _audit_head_key(configured: str, path: str) -> Ed25519PrivateKey:
    if configured:
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(configured))
    file = Path(path)
    if not file.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        file.parent.mkdir(parents=True, exist_ok=True)
        # Written whole under another name, then linked into place: a process that starts
        # at the same moment reads either no file or the complete one, and one key wins.
        draft = file.with_name(f".{file.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(draft, file)
        except FileExistsError:
            pass  # another process made it first: read theirs
        finally:
            draft.unlink()
    loaded = serialization.load_pem_private_key(file.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"{file} does not hold an Ed25519 private key")
    return loaded


def reset_key_cache() -> None:
    """Forget loaded keys (after the environment changed: tests, rotation)."""
    _fernet.cache_clear()
    _secret.cache_clear()
    _audit_head_key.cache_clear()


def export_keys() -> dict[str, str]:
    """Every key this installation uses, for a backup (encrypted there under the
    operator's passphrase): a database backup without them cannot be read or verified."""
    return {
        "secret": str(settings.SECRET_KEY),
        "data": _configured("data"),
        "hash": _configured("hash"),
        "audit": _configured("audit"),
        "audit_head": audit_head_key()
        .private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        .decode(),
    }


def key_files(keys: dict[str, str], keys_dir: Path, audit_dir: Path) -> dict[str, Path]:
    """Write keys as files only their owner reads, the audit keys apart from the others;
    the settings that point at them. Nothing is written when any of the files exists."""
    files = {
        "ONESTOP_SECRET_KEY_FILE": (keys_dir / "secret_key", keys["secret"]),
        "ONESTOP_KEYS_FILE": (
            keys_dir / "keys.json",
            json.dumps({"data": keys["data"], "hash": keys["hash"]}),
        ),
        "ONESTOP_AUDIT_KEY_FILE": (audit_dir / "audit.key", keys["audit"]),
        "ONESTOP_AUDIT_HEAD_KEY_PATH": (audit_dir / "audit-head-key.pem", keys["audit_head"]),
    }
    if taken := [str(path) for path, _text in files.values() if path.exists()]:
        raise FileExistsError(f"Refusing to overwrite existing keys: {', '.join(taken)}")
    for path, text in files.values():
        write_private(path, text)
    return {setting: path for setting, (path, _text) in files.items()}


def seal(plaintext: bytes, passphrase: str) -> dict[str, str]:
    """Encrypt under a passphrase: scrypt (n=2^15, r=8, p=1) derives an AES-256-GCM key."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    key = Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase.encode())
    sealed = AESGCM(key).encrypt(nonce, plaintext, b"onestop")
    return {
        "kdf": "scrypt-n32768-r8-p1",
        "cipher": "aes-256-gcm",
        "salt": base64.b64encode(salt).decode(),
        "nonce": base64.b64encode(nonce).decode(),
        "ciphertext": base64.b64encode(sealed).decode(),
    }


def unseal(sealed: dict[str, str], passphrase: str) -> bytes:
    """What ``seal`` encrypted; DecryptionFailed for a wrong passphrase or a changed file."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    salt = base64.b64decode(sealed["salt"])
    key = Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase.encode())
    try:
        return AESGCM(key).decrypt(
            base64.b64decode(sealed["nonce"]), base64.b64decode(sealed["ciphertext"]), b"onestop"
        )
    except InvalidTag as error:
        raise DecryptionFailed("wrong passphrase, or the sealed keys were changed") from error
