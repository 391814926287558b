"""GB 11643 ID numbers: the check digit, each part's error, masking."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onestop.core.errors import ValidationFailed
from onestop.identity.error_codes import IdentityErrorCode
from onestop.identity.idnumber import (
    check_character,
    make_id_number,
    mask_id_number,
    mask_name,
    parse_id_number,
)

# The standard's own example number (a woman born 31 December 1949 in Beijing).
STANDARD_EXAMPLE = "11010519491231002X"


def test_the_standards_example_is_valid() -> None:
    parsed = parse_id_number(STANDARD_EXAMPLE)
    assert (parsed.region_code, parsed.birth_date, parsed.is_male) == (
        "110105",
        date(1949, 12, 31),
        False,
    )
    assert check_character("11010519491231002") == "X"


def test_spaces_and_lower_case_x_are_accepted() -> None:
    assert parse_id_number(" 1101 0519 4912 3100 2x ").value == STANDARD_EXAMPLE


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("1101051949123100", IdentityErrorCode.ID_FORMAT),  # too short
        ("11010519491231002Y", IdentityErrorCode.ID_FORMAT),  # not a digit or X
        ("110105194912310029", IdentityErrorCode.ID_CHECK_DIGIT),  # wrong check digit
        (make_id_number("990105", date(1990, 1, 1), 1), IdentityErrorCode.ID_REGION_UNKNOWN),
        (make_id_number("110005", date(1990, 1, 1), 1), IdentityErrorCode.ID_REGION_UNKNOWN),
        (
            make_id_number("110105", date(1990, 1, 1), 1)[:10] + "0230" + "0011",
            IdentityErrorCode.ID_BIRTH_DATE_INVALID,
        ),
        (
            "11010518991231002" + check_character("11010518991231002"),
            IdentityErrorCode.ID_BIRTH_DATE_INVALID,
        ),
        (
            "11010520991231002" + check_character("11010520991231002"),
            IdentityErrorCode.ID_BIRTH_DATE_INVALID,
        ),
    ],
)
def test_each_wrong_part_is_named(number: str, code: IdentityErrorCode) -> None:
    with pytest.raises(ValidationFailed) as raised:
        parse_id_number(number)
    assert raised.value.code == code and raised.value.field == "id_number"


def test_a_number_of_the_tenants_province_must_name_one_of_its_cities() -> None:
    number = make_id_number("449901", date(1990, 1, 1), 1)
    with pytest.raises(ValidationFailed) as raised:
        parse_id_number(number, known_city_codes=["4401", "4403"])
    assert raised.value.code == IdentityErrorCode.ID_REGION_UNKNOWN
    # Numbers of other provinces are judged by the province table alone.
    assert parse_id_number(STANDARD_EXAMPLE, known_city_codes=["4401"]).region_code == "110105"


@given(
    region=st.sampled_from(["440106", "440305", "110105", "310104", "510107"]),
    birth=st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
    position=st.integers(min_value=0, max_value=16),
    replacement=st.integers(min_value=0, max_value=9),
)
def test_made_numbers_parse_and_any_changed_digit_is_caught(
    region: str, birth: date, sequence: int, position: int, replacement: int
) -> None:
    number = make_id_number(region, birth, sequence)
    assert parse_id_number(number).birth_date == birth
    changed = number[:position] + str(replacement) + number[position + 1 :]
    if changed != number:
        with pytest.raises(ValidationFailed):
            parse_id_number(changed)


def test_masks_keep_only_what_identifies_nobody() -> None:
    assert mask_id_number("44010619900101123X") == "4401**********123X"
    assert [mask_name(n) for n in ("张三", "张小三", "欧阳小明", "李")] == [
        "张*",
        "张*三",
        "欧***",
        "李",
    ]
