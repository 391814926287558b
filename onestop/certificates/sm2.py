"""SM2 signatures with SM3 (GB/T 32918, GB/T 32905), interoperable with OpenSSL 3.

Signatures use the standard's default signer ID "1234567812345678" (OpenSSL's
``-sigopt distid:1234567812345678``); they travel as raw r||s and convert to the DER
form OpenSSL writes and reads. Public keys export as SubjectPublicKeyInfo PEM with the
SM2 curve's OID. The nonce comes from ``secrets``.
"""

from __future__ import annotations

import base64
import secrets

from gmssl import sm2

_TABLE = sm2.default_ecc_table
ORDER = int(_TABLE["n"], 16)
# SubjectPublicKeyInfo header: id-ecPublicKey with the SM2 curve (1.2.156.10197.1.301).
SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d03420004")


class Sm2Error(Exception):
    pass


def generate() -> tuple[str, str]:
    """A new key pair as (private key hex, public key hex of X||Y)."""
    private = secrets.randbelow(ORDER - 1) + 1
    public = sm2.CryptSM2(private_key=f"{private:064x}", public_key="")._kg(private, _TABLE["g"])
    return f"{private:064x}", str(public)


def _crypt(private_hex: str, public_hex: str) -> sm2.CryptSM2:
    crypt = sm2.CryptSM2(private_key=private_hex, public_key="")
    # gmssl takes a key starting with "04" for one with the point's prefix and strips every
    # leading "0" and "4" off it, X's digits too: one key in 256 never verified. The key
    # (always X||Y here) is set after construction instead.
    crypt.public_key = public_hex
    return crypt


def sign(message: bytes, private_hex: str, public_hex: str) -> bytes:
    nonce = f"{secrets.randbelow(ORDER - 1) + 1:064x}"
    signature = _crypt(private_hex, public_hex).sign_with_sm3(message, nonce)
    return bytes.fromhex(signature)


def verify(message: bytes, signature: bytes, public_hex: str) -> bool:
    if len(signature) != 64 or len(public_hex) != 128:
        return False
    try:
        return bool(_crypt("", public_hex).verify_with_sm3(signature.hex(), message))
    except (ValueError, ZeroDivisionError, TypeError):
        return False


def _der_integer(value: int) -> bytes:
    body = value.to_bytes(32, "big").lstrip(b"\0") or b"\0"
    if body[0] & 0x80:
        body = b"\0" + body
    return b"\x02" + bytes([len(body)]) + body


def to_der(signature: bytes) -> bytes:
    body = _der_integer(int.from_bytes(signature[:32], "big")) + _der_integer(
        int.from_bytes(signature[32:], "big")
    )
    return b"\x30" + bytes([len(body)]) + body


def from_der(der: bytes) -> bytes:
    """r||s from an ECDSA-Sig-Value (SEQUENCE of two INTEGERs)."""
    if len(der) < 8 or der[0] != 0x30 or der[1] != len(der) - 2:
        raise Sm2Error("not a DER signature")
    values, position = [], 2
    for _ in range(2):
        if der[position] != 0x02:
            raise Sm2Error("not a DER signature")
        length = der[position + 1]
        values.append(int.from_bytes(der[position + 2 : position + 2 + length], "big"))
        position += 2 + length
    if position != len(der) or any(not 0 < v < ORDER for v in values):
        raise Sm2Error("not a DER signature")
    return values[0].to_bytes(32, "big") + values[1].to_bytes(32, "big")


def public_pem(public_hex: str) -> str:
    body = base64.encodebytes(SPKI_PREFIX + bytes.fromhex(public_hex)).decode()
    return f"-----BEGIN PUBLIC KEY-----\n{body}-----END PUBLIC KEY-----\n"


def public_from_pem(pem: str) -> str:
    der = base64.b64decode("".join(line for line in pem.strip().splitlines() if "-----" not in line))
    if not der.startswith(SPKI_PREFIX) or len(der) != len(SPKI_PREFIX) + 64:
        raise Sm2Error("not an SM2 public key")
    return der[len(SPKI_PREFIX) :].hex()
