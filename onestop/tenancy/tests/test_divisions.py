"""The official table of divisions (GB/T 2260), read from the installed package."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings

from onestop.core.errors import OnestopError
from onestop.tenancy.divisions import english_name, province_division, short_name
from onestop.tenancy.error_codes import TenancyErrorCode


def test_a_province_holds_its_cities_and_their_counties_in_the_order_of_their_codes() -> None:
    hunan = province_division("430000")
    assert (hunan.code, hunan.name, hunan.level, hunan.short_name, hunan.name_en) == (
        "430000",
        "湖南省",
        "province",
        "湖南",
        "Hunan",
    )
    changsha = hunan.children[0]
    assert (changsha.code, changsha.name, changsha.level, changsha.name_en) == (
        "430100",
        "长沙市",
        "city",
        "Changsha",
    )
    assert [c.code for c in hunan.children] == sorted(c.code for c in hunan.children)
    assert len(hunan.children) == 14
    assert [(c.code, c.name) for c in changsha.children[:3]] == [
        ("430102", "芙蓉区"),
        ("430103", "天心区"),
        ("430104", "岳麓区"),
    ]
    for city in hunan.children:
        assert all(county.code[:4] == city.code[:4] for county in city.children)
    # No statistics-only zones (code 71-80) and no city standing in for its own county.
    counties = [county.code for city in hunan.children for county in city.children]
    assert not [c for c in counties if 71 <= int(c[4:]) <= 80 or c.endswith("00")]


def test_groupings_are_no_cities() -> None:
    # Hainan's directly governed counties are grouped under 469000, which is no city;
    # a municipality's districts are grouped under 市辖区.
    assert [c.name for c in province_division("460000").children] == [
        "海口市",
        "三亚市",
        "三沙市",
        "儋州市",
    ]
    assert province_division("110000").children == ()


@pytest.mark.parametrize(
    ("name", "level", "short", "english"),
    [
        ("广西壮族自治区", "province", "广西", "Guangxi"),
        ("陕西省", "province", "陕西", "Shaanxi"),
        ("内蒙古自治区", "province", "内蒙古", "Inner Mongolia"),
        ("湘西土家族苗族自治州", "city", "湘西", "Xiangxi Tujia and Miao Autonomous Prefecture"),
        ("兴安盟", "city", "兴安", "Xing'an League"),
        ("城步苗族自治县", "county", "城步苗族自治县", "Chengbu Miao Autonomous County"),
        ("长沙县", "county", "长沙县", "Changsha County"),
        ("浏阳市", "county", "浏阳市", "Liuyang"),
        ("临安区", "county", "临安区", "Lin'an District"),
    ],
)
def test_short_and_english_names(name: str, level: str, short: str, english: str) -> None:
    assert (short_name(name, level), english_name(name, level)) == (short, english)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("43", TenancyErrorCode.REGION_CODE_INVALID),
        ("4300001", TenancyErrorCode.REGION_CODE_INVALID),
        ("990000", TenancyErrorCode.REGION_CODE_INVALID),
        ("380000", TenancyErrorCode.REGION_UNKNOWN),
        ("430199", TenancyErrorCode.REGION_UNKNOWN),
        ("430100", TenancyErrorCode.REGION_NOT_PROVINCE),
        ("430102", TenancyErrorCode.REGION_NOT_PROVINCE),
        ("430371", TenancyErrorCode.REGION_UNKNOWN),  # a statistics-only zone
    ],
)
def test_codes_that_are_no_province_are_refused(code: str, error: TenancyErrorCode) -> None:
    with pytest.raises(OnestopError) as raised:
        province_division(code)
    assert (raised.value.code, raised.value.field) == (error, "region")


def test_without_the_package_the_table_is_missing_not_empty(tmp_path: Path) -> None:
    from onestop.tenancy import divisions

    divisions._table.cache_clear()
    try:
        with (
            override_settings(ONESTOP_DIVISIONS_DIR=str(tmp_path)),
            pytest.raises(OnestopError) as raised,
        ):
            province_division("430000")
        assert raised.value.code == TenancyErrorCode.DIVISIONS_MISSING
    finally:
        divisions._table.cache_clear()
