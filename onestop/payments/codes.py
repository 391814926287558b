"""Numbers a payer sees: bill numbers and the payment code (缴款码).

A payment code is 20 digits: the collecting region's six-digit GB/T 2260 code, the
year's last two digits, eleven random digits, and a Luhn check digit that catches a
mistyped digit and most swapped neighbours when it is keyed in at a bank counter or in a
channel's app. Random rather than sequential: a code says nothing about the bills
beside it."""

from __future__ import annotations

import secrets
from datetime import date


def luhn_digit(digits: str) -> str:
    """The Luhn check digit of a string of digits."""
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit)
        if position % 2 == 0:  # every second digit from the right, the check digit's place excluded
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def is_payment_code(code: str) -> bool:
    return len(code) == 20 and code.isdigit() and luhn_digit(code[:-1]) == code[-1]


def new_payment_code(region_code: str, on: date) -> str:
    region = region_code if len(region_code) == 6 and region_code.isdigit() else "000000"
    body = f"{region}{on:%y}{secrets.randbelow(10**11):011d}"
    return body + luhn_digit(body)


def new_bill_number(on: date) -> str:
    return f"PB{on:%Y%m%d}{secrets.randbelow(10**10):010d}"


def new_order_number(on: date) -> str:
    """A payment order's number, the merchant order number (out_trade_no) a channel knows
    it by: 22 characters, within every channel's limits (WeChat Pay 6–32, Alipay 64)."""
    return f"PO{on:%Y%m%d}{secrets.randbelow(10**12):012d}"
