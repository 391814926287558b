"""The unified social credit code (统一社会信用代码, GB 32100-2015) of a registered
organisation: 18 characters, the last a check character."""

from __future__ import annotations

_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_is_valid(code: str) -> bool:
    """A unified social credit code (统一社会信用代码) with its check character."""
    if len(code) != 18 or any(c not in _CREDIT_ALPHABET for c in code):
        return False
    total = sum(_CREDIT_ALPHABET.index(c) * w for c, w in zip(code, _CREDIT_WEIGHTS, strict=False))
    return _CREDIT_ALPHABET[(31 - total % 31) % 31] == code[17]
