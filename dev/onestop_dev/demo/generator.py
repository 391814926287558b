"""Builds the demo province from the tables in ``data/``, deterministically: the same seed
gives the same data, byte for byte. Nothing here writes; ``loader`` does, through actions."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from onestop.catalogue.specs import (
    LifeEventSpec,
    MaterialSpec,
    PlaceSpec,
    ServiceItemSpec,
    StepSpec,
    ThemeSpec,
)
from onestop.tenancy.specs import DepartmentSpec, RegionSpec
from onestop_dev.demo.data import departments as department_data
from onestop_dev.demo.data import items as item_data
from onestop_dev.demo.data import regions as region_data

DEFAULT_SEED = 2019

ITEM_TYPES = {
    "XK": ("licensing", 1, 20),
    "CF": ("penalty", 2, 30),
    "QZ": ("enforcement", 3, 30),
    "ZS": ("levy", 4, 15),
    "GF": ("benefit", 5, 20),
    "JC": ("inspection", 6, 20),
    "QR": ("confirmation", 7, 20),
    "JL": ("reward", 8, 30),
    "CJ": ("adjudication", 9, 30),
    "QT": ("other_power", 10, 20),
    "GG": ("public_service", 11, 10),
}
VARIANTS = {
    "N": ("new", 1, "新办", "new"),
    "C": ("change", 2, "变更", "change"),
    "R": ("renewal", 3, "延续", "renewal"),
    "X": ("cancellation", 4, "注销", "cancellation"),
}
HALL_HOURS = "周一至周五 9:00–12:00，13:30–17:30（法定节假日除外）"
HOTLINE = "12345"


@dataclass(frozen=True)
class DemoProvince:
    code: str
    name: str
    name_en: str
    regions: list[RegionSpec]
    departments: list[DepartmentSpec]
    themes: list[ThemeSpec]
    items: list[ServiceItemSpec]
    life_events: list[LifeEventSpec]


def build_province(seed: int = DEFAULT_SEED) -> DemoProvince:
    rng = random.Random(seed)
    regions = _regions()
    departments = _departments(rng)
    items = _items(rng)
    names: dict[str, str] = {}
    for spec in items:
        names.setdefault(spec.name, spec.code)
    life_events = [
        LifeEventSpec(
            code=code,
            name=name,
            name_en=name_en,
            audience=audience,
            item_codes=tuple(names[n] for n in item_names),
        )
        for code, name, name_en, audience, item_names in item_data.LIFE_EVENTS
    ]
    themes = [
        ThemeSpec(code=code, name=name, name_en=name_en, audience=audience)
        for code, name, name_en, audience in item_data.THEMES
    ]
    return DemoProvince(
        code="gd",
        name="广东省（演示）",
        name_en="Guangdong (demo)",
        regions=regions,
        departments=departments,
        themes=themes,
        items=items,
        life_events=life_events,
    )


def _regions() -> list[RegionSpec]:
    province_code, province_name, province_en = region_data.PROVINCE
    regions = [RegionSpec(code=province_code, name=province_name, name_en=province_en, level="province")]
    for city_code, city_name, city_en, counties in region_data.CITIES:
        regions.append(
            RegionSpec(
                code=city_code, name=city_name, name_en=city_en, level="city", parent_code=province_code
            )
        )
        regions.extend(
            RegionSpec(code=code, name=name, name_en=name_en, level="county", parent_code=city_code)
            for code, name, name_en in counties
        )
    return regions


def _phone(rng: random.Random, area: str = "020") -> str:
    return f"{area}-{rng.randint(81000000, 89999999)}"


def _departments(rng: random.Random) -> list[DepartmentSpec]:
    province_code = region_data.PROVINCE[0]
    departments = [
        DepartmentSpec(
            code=f"gd-{line}",
            name=name,
            name_en=name_en,
            short_name=short,
            line=line,
            region_code=province_code,
            phone=_phone(rng),
            address=f"广州市越秀区（演示地址）{short}大楼",
        )
        for line, name, short, name_en, _level, _laws in department_data.LINES
    ]
    shorts = {line: short for line, _n, short, *_ in department_data.LINES}
    for city_code, city_name, city_en, counties in region_data.CITIES:
        for line, (suffix, suffix_en) in department_data.CITY_OFFICES.items():
            departments.append(
                DepartmentSpec(
                    code=f"{city_code}-{line}",
                    name=f"{city_name}{suffix}",
                    name_en=f"{city_en} {suffix_en}",
                    short_name=f"{city_name[:-1]}{shorts[line]}",
                    line=line,
                    region_code=city_code,
                    phone=_phone(rng),
                )
            )
        for county_code, county_name, county_en in counties:
            for line, (suffix, suffix_en) in department_data.COUNTY_OFFICES.items():
                name = (
                    f"{city_name}公安局{county_name}分局"
                    if line == "ga"
                    else f"{city_name}{county_name}{suffix}"
                )
                departments.append(
                    DepartmentSpec(
                        code=f"{county_code}-{line}",
                        name=name,
                        name_en=f"{county_en} {suffix_en}",
                        short_name=f"{county_name}{shorts[line]}",
                        line=line,
                        region_code=county_code,
                        phone=_phone(rng),
                    )
                )
    return departments


def _conditions(audience: str, type_key: str, variant: str, laws: str) -> str:
    if audience == "P":
        lines = ["申请人为具有完全民事行为能力的自然人，或由其监护人、委托代理人代为申请"]
        if type_key == "GF":
            lines.append("符合待遇享受条件，且未重复享受同类待遇")
    else:
        lines = ["申请人为依法设立的企业、个体工商户或其他组织"]
        if type_key == "XK":
            lines.append("具有与申请事项相适应的场所、设施、设备和专业技术人员")
    if variant == "C":
        lines.append("已取得相应许可且在有效期内，需变更许可事项")
    elif variant == "R":
        lines.append("许可有效期届满前30个工作日内提出延续申请")
    elif variant == "X":
        lines.append("自愿申请注销，或依法应当办理注销")
    lines.append(f"符合{laws}的相关规定")
    lines.append("提交的申请材料真实、完整、有效")
    return "\n".join(
        f"{n}. {text}；" if n < len(lines) else f"{n}. {text}。" for n, text in enumerate(lines, start=1)
    )


def _materials(audience: str, type_key: str, extra: list[str]) -> tuple[MaterialSpec, ...]:
    keys = (["sfz"] if audience == "P" else ["sfz", "yyzz"]) + extra
    if "zm" in extra and audience == "B":
        keys.remove("yyzz") if "yyzz" not in extra else None
    seen: list[str] = []
    for key in keys:
        if key not in seen:
            seen.append(key)
    materials = [
        MaterialSpec(
            name="申请表" if audience == "P" else "申请书",
            form="electronic",
            notes="在线填写，无需另行提交",
            filled_online=True,
        )
    ]
    for key in seen:
        name, form, certificate_type, notes = item_data.MATERIALS[key]
        if audience == "B" and key == "sfz":
            name, notes = "法定代表人身份证明", "法定代表人或负责人有效身份证件"
        materials.append(
            MaterialSpec(
                name=name,
                form=form,
                notes=notes,
                certificate_type=certificate_type,
                required=key not in {"zm", "ht"},
            )
        )
    return tuple(materials)


def _steps(visits: int, committed: int) -> tuple[StepSpec, ...]:
    if visits == 0 and committed == 0:
        return (
            StepSpec("网上申请", "登录后在线填写，证照类材料由系统从电子证照库调取"),
            StepSpec("即时办结", "系统校验通过后即时办结，结果在线送达"),
        )
    first = (
        StepSpec("网上申请", "在线填写申请表，上传材料或授权调取电子证照")
        if visits == 0
        else StepSpec("网上预约", "在线填写申请信息并预约到窗口的时间")
    )
    steps = [first]
    if visits:
        steps.append(StepSpec("现场核验", "携带材料原件到窗口核验身份、采集照片或指纹", requires_visit=True))
    steps += [
        StepSpec("受理", "对申请材料进行初审，材料齐全、符合法定形式的予以受理"),
        StepSpec("审查", "对申请材料的实质内容进行审查"),
        StepSpec("决定", "作出准予或不予的决定，不予的说明理由"),
    ]
    if visits >= 2:
        steps.append(StepSpec("窗口领取", "凭受理回执到窗口领取证件", requires_visit=True))
    else:
        steps.append(StepSpec("送达", "电子证照即时推送到卡包，纸质证件免费邮寄"))
    return tuple(steps)


def _items(rng: random.Random) -> list[ServiceItemSpec]:
    items: list[ServiceItemSpec] = []
    lines = {
        line: (index, level, laws)
        for index, (line, _n, _s, _e, level, laws) in enumerate(department_data.LINES, start=1)
    }
    for line, table in item_data.ITEMS.items():
        line_index, line_level, laws = lines[line]
        law_text = "、".join(laws)
        rows = [row for row in table.strip().splitlines() if row.strip()]
        for entry, row in enumerate(rows, start=1):
            name, name_en, type_key, variants, keywords, audience, themes, extra, flags = row.split("|")
            item_type, type_number, statutory = ITEM_TYPES[type_key]
            fee = Decimal(flags.split("$")[1]) if "$" in flags else Decimal("0")
            needs_visit = "!" in flags
            base_popularity = (
                rng.randint(50000, 200000) if "*" in flags else int(rng.paretovariate(1.2) * 300)
            )
            for variant_key in variants.split(",") if variants != "-" else [""]:
                variant, variant_number, label, label_en = VARIANTS.get(variant_key, ("", 0, "", ""))
                # An on-site inspection is needed for a new licence, not to change, renew or
                # cancel one.
                on_site = needs_visit and variant_key in {"", "N"}
                visits = (2 if rng.random() < 0.2 else 1) if on_site else 0
                limit = statutory if variant != "cancellation" else min(statutory, 10)
                committed = (
                    0
                    if (type_key == "GG" and rng.random() < 0.5)
                    else max(1, round(limit * rng.choice([0.2, 0.25, 0.3, 0.4, 0.5])))
                )
                level = line_level if not (audience == "B" and line_level == "county") else "city"
                items.append(
                    ServiceItemSpec(
                        code=f"4400{line_index:02d}{type_number:02d}{entry:03d}{variant_number}",
                        name=f"{name}（{label}）" if label else name,
                        name_en=f"{name_en} ({label_en})" if label_en else name_en,
                        sub_item=label,
                        variant=variant,
                        item_type=item_type,
                        department_code=f"gd-{line}",
                        exercise_level=level,
                        audience="person" if audience == "P" else "business",
                        legal_basis=f"{law_text}及国家和本省有关规定。",
                        acceptance_conditions=_conditions(audience, type_key, variant_key, law_text),
                        statutory_limit_days=limit,
                        committed_limit_days=committed,
                        consultation_phone=HOTLINE,
                        complaint_phone=HOTLINE,
                        visits_required=visits,
                        materials=_materials(audience, type_key, [k for k in extra.split(",") if k]),
                        steps=_steps(visits, committed),
                        places=(
                            PlaceSpec(
                                "广东省政务服务中心",
                                "广州市天河区（演示地址）政务服务大道1号",
                                HALL_HOURS,
                                "020-12345678",
                            ),
                        ),
                        fee_amount=fee,
                        fee_basis="按国家规定的收费标准收取工本费" if fee else "",
                        online_depth=4 if visits == 0 else 3,
                        min_trust_level=4 if "L4" in flags else 3,
                        keywords=tuple(k for k in keywords.split(",") if k),
                        themes=tuple(t for t in themes.split(",") if t),
                        # People mostly apply for a licence, rarely change or cancel one.
                        popularity=base_popularity // (1 + 3 * max(0, variant_number - 1)),
                    )
                )
    return items
