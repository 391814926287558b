"""Mainland China mobile numbers: normalising, checking, masking and hashing."""

from __future__ import annotations

import re

from onestop.core.crypto import keyed_hash

MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_phone(value: str) -> str:
    """Digits only, without the +86 / 0086 country prefix."""
    digits = re.sub(r"\D", "", value or "")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == 11 + len(prefix):
            digits = digits[len(prefix) :]
    return digits


def is_mobile(phone: str) -> bool:
    return bool(MOBILE.match(phone))


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"


def phone_hash(phone: str) -> str:
    return keyed_hash("phone", phone)
