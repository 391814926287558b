"""Resident identity numbers (GB 11643): checking, masking, and synthetic demo numbers.

An ID number is 6 digits of region code (GB/T 2260), 8 digits of birth date, 3 digits of
sequence (odd for men) and a check character: ISO 7064 MOD 11-2 over the first 17 digits
with weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, remainders 0..10 mapping to
1 0 X 9 8 7 6 5 4 3 2. A failed check says which part is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import ValidationFailed
from onestop.identity.error_codes import IdentityErrorCode

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
SHAPE = re.compile(r"^\d{17}[\dX]$")
EARLIEST_BIRTH = date(1900, 1, 1)

# Province-level codes of GB/T 2260 (the first two digits of every region code).
PROVINCES = frozenset(
    {
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    }
)


@dataclass(frozen=True, slots=True)
class IdNumber:
    value: str
    region_code: str
    birth_date: date
    is_male: bool


def check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def normalize_id_number(value: str) -> str:
    return re.sub(r"\s", "", value or "").upper()


def parse_id_number(value: str, *, known_city_codes: Collection[str] = ()) -> IdNumber:
    """Check an ID number and say which part is wrong.

    ``known_city_codes`` are the four-digit city prefixes of the tenant's own province: a
    number from that province must name one of them.
    """
    number = normalize_id_number(value)
    if not SHAPE.match(number):
        raise ValidationFailed(
            IdentityErrorCode.ID_FORMAT,
            _("An ID number has 18 characters: 17 digits and a final digit or X."),
            field="id_number",
        )
    region = number[:6]
    province_cities = {code for code in known_city_codes if code[:2] == region[:2]}
    if (
        region[:2] not in PROVINCES
        or region[2:4] == "00"
        or (province_cities and region[:4] not in province_cities)
    ):
        raise ValidationFailed(
            IdentityErrorCode.ID_REGION_UNKNOWN,
            _("The first six digits are not a known region code."),
            field="id_number",
        )
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        birth = None
    if birth is None or not (EARLIEST_BIRTH <= birth <= timezone.localdate()):
        raise ValidationFailed(
            IdentityErrorCode.ID_BIRTH_DATE_INVALID,
            _("Digits 7 to 14 are not a possible date of birth."),
            field="id_number",
        )
    if check_character(number[:17]) != number[17]:
        raise ValidationFailed(
            IdentityErrorCode.ID_CHECK_DIGIT,
            _("The last character does not match the check digit: please check the number for a typo."),
            field="id_number",
        )
    return IdNumber(number, region, birth, is_male=int(number[16]) % 2 == 1)


def make_id_number(region_code: str, birth: date, sequence: int) -> str:
    """A well-formed number (for synthetic demo residents)."""
    first17 = f"{region_code}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def mask_id_number(number: str) -> str:
    """4401**********123X: region prefix and last four only."""
    return f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}" if len(number) > 8 else "*" * len(number)


def mask_name(name: str) -> str:
    """张*, 张*三, 欧阳**: the family name (first character) stays."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    if len(name) == 3:
        return name[0] + "*" + name[-1]
    return name[0] + "*" * (len(name) - 1)
