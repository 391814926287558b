"""A template's places, names and codes made another province's.

The template's province becomes the new province; the template's cities, in the order
of their codes, become the new province's first cities, in the order of theirs; each
city's counties, likewise, the corresponding city's first counties. Codes and names come
from the official table (``tenancy.divisions``). Every department goes with its region
and is named after it (广东省公安厅 → 湖南省公安厅, 广州市人力资源和社会保障局 →
长沙市人力资源和社会保障局); the template's place names anywhere else (halls, addresses,
forms) follow, and item codes take the new province's code as their prefix.

Where a city of the new province has fewer counties than the template's, the template's
last counties have nowhere to go and are left out with their offices (unless an item, a
certificate type or a data service names one of those offices: then the whole tenant is
refused). The new province's cities and counties beyond the template's are not added:
they are imported afterwards like any region, with their departments.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from typing import Any, TypeVar

from django.utils.translation import gettext_lazy as _

from onestop.core.errors import ValidationFailed
from onestop.provisioning.error_codes import ProvisioningErrorCode
from onestop.provisioning.specs import TenantContent
from onestop.tenancy.divisions import Division, short_name
from onestop.tenancy.specs import DepartmentSpec, RegionSpec

# The longest department code the departments table holds.
DEPARTMENT_CODE_MAX = 32
# The levels of regions (tenancy's RegionLevel values).
PROVINCE, CITY, COUNTY = "province", "city", "county"

Spec = TypeVar("Spec")


@dataclass(frozen=True, slots=True)
class Renamed:
    """The content made the new province's, and what was left out on the way."""

    content: TenantContent
    cities: int
    counties: int
    counties_left_out: tuple[str, ...]  # the template's, by name
    departments_left_out: tuple[str, ...]  # the template's, by code


def renamed_for_province(
    content: TenantContent, *, province: Division, template_code: str, code: str
) -> Renamed:
    """Nothing is written here; every refusal happens before the tenant is created."""
    top = _province(content.regions)
    places = _places(content.regions, top, province)
    names = _Names(places)
    regions = [
        RegionSpec(
            code=division.code,
            name=division.name,
            name_en=division.name_en,
            level=division.level,
            parent_code=places[spec.parent_code].new.code if spec.parent_code else None,
        )
        for spec, division in ((place.old, place.new) for place in places.values())
    ]

    department_codes: dict[str, str] = {}
    taken: set[str] = set()
    departments: list[DepartmentSpec] = []
    for spec in content.departments:
        place = places.get(spec.region_code)
        if place is None:
            continue
        new_code = _department_code(spec.code, place, template_code, code)
        if new_code in taken:
            raise ValidationFailed(
                ProvisioningErrorCode.DEPARTMENT_CODE_CLASH,
                _("Two departments of the template would get the same code %(code)s.") % {"code": new_code},
                field="region",
            )
        department_codes[spec.code] = new_code
        taken.add(new_code)
        departments.append(
            replace(
                names.renamed(spec, region_code=spec.region_code), code=new_code, region_code=place.new.code
            )
        )
    left_out = tuple(d.code for d in content.departments if d.code not in department_codes)
    # Whatever names a department must find it in the new tenant.
    named = (
        [(i.code, i.department_code) for i in content.items]
        + [(t.code, t.issuer_code) for t in content.certificate_types]
        + [(s.code, s.provider_code) for s in content.data_services]
    )
    for owner, department in named:
        if department not in department_codes:
            raise ValidationFailed(
                ProvisioningErrorCode.DEPARTMENT_WITHOUT_REGION,
                _(
                    "The template's department %(department)s (named by %(owner)s) has no "
                    "region to go to in the new province."
                )
                % {"department": department, "owner": owner},
                field="region",
            )

    item_codes = _item_codes([i.code for i in content.items], places[top.code])
    template_regions = {r.code for r in content.regions}

    def items_of(codes: Iterable[str]) -> tuple[str, ...]:
        return tuple(item_codes.get(c, c) for c in codes)

    renamed = TenantContent(
        regions=regions,
        departments=departments,
        themes=[names.renamed(t) for t in content.themes],
        items=[
            replace(
                names.renamed(i),
                code=item_codes[i.code],
                department_code=department_codes[i.department_code],
            )
            for i in content.items
        ],
        life_events=[
            replace(names.renamed(e), item_codes=items_of(e.item_codes)) for e in content.life_events
        ],
        forms={
            item_codes.get(c, c): _form(f, places, template_regions, names) for c, f in content.forms.items()
        },
        certificate_types=[
            replace(
                names.renamed(t),
                issuer_code=department_codes[t.issuer_code],
                item_codes=items_of(t.item_codes),
            )
            for t in content.certificate_types
        ],
        data_services=[
            replace(names.renamed(s), provider_code=department_codes[s.provider_code])
            for s in content.data_services
        ],
    )
    cities = sum(1 for r in regions if r.level == CITY)
    counties_left_out = tuple(r.name for r in content.regions if r.level == COUNTY and r.code not in places)
    return Renamed(
        content=renamed,
        cities=cities,
        counties=len(regions) - cities - 1,
        counties_left_out=counties_left_out,
        departments_left_out=left_out,
    )


# --- places -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Place:
    """A region of the template and the division it becomes."""

    old: RegionSpec
    new: Division
    parent: _Place | None = None


def _province(regions: list[RegionSpec]) -> RegionSpec:
    provinces = [r for r in regions if r.level == PROVINCE]
    if len(provinces) != 1:
        raise ValidationFailed(
            ProvisioningErrorCode.TEMPLATE_NOT_A_PROVINCE,
            _("The template is not one province: it needs exactly one region of the province level."),
            field="template",
        )
    return provinces[0]


def _places(regions: list[RegionSpec], top: RegionSpec, province: Division) -> dict[str, _Place]:
    """The template's regions by code, each with what it becomes, parents first (the
    template's regions outside its province's tree have no place and are left out)."""

    def children(parent: str, level: str) -> list[RegionSpec]:
        return sorted(
            (r for r in regions if r.level == level and r.parent_code == parent), key=lambda r: r.code
        )

    cities = children(top.code, CITY)
    if len(province.children) < len(cities):
        raise ValidationFailed(
            ProvisioningErrorCode.TOO_FEW_CITIES,
            _("%(province)s has %(has)s cities; the template's departments need %(needed)s.")
            % {"province": province.name, "has": len(province.children), "needed": len(cities)},
            field="region",
        )
    places = {top.code: _Place(top, province)}
    for city, new_city in zip(cities, province.children, strict=False):
        city_place = places[city.code] = _Place(city, new_city, places[top.code])
        for county, new_county in zip(children(city.code, COUNTY), new_city.children, strict=False):
            places[county.code] = _Place(county, new_county, city_place)
    return places


def _department_code(code: str, place: _Place, template_code: str, new_code: str) -> str:
    """A code that carries its region's code (440100-rs) carries the new region's; one that
    carries the template tenant's code (gd-ga), the new tenant's, where it fits."""
    if code.startswith(place.old.code):
        return place.new.code + code[len(place.old.code) :]
    prefix = f"{template_code}-"
    if code.startswith(prefix) and len(new_code) + len(code) - len(template_code) <= DEPARTMENT_CODE_MAX:
        return f"{new_code}-{code[len(prefix) :]}"
    return code


def _item_codes(codes: list[str], province: _Place) -> dict[str, str]:
    """Item codes that start with the template province's two digits start with the new
    province's; other codes stay. They must stay unique within the tenant."""
    old, new = province.old.code[:2], province.new.code[:2]
    renamed = {c: new + c[2:] if c.startswith(old) else c for c in codes}
    if len(set(renamed.values())) < len(renamed):
        clash = next(c for c in renamed.values() if list(renamed.values()).count(c) > 1)
        raise ValidationFailed(
            ProvisioningErrorCode.ITEM_CODE_CLASH,
            _("Two items of the template would get the same code %(code)s.") % {"code": clash},
            field="region",
        )
    return renamed


# --- names ------------------------------------------------------------------------------


class _Names:
    """Replaces the template's place names by the new province's in any text, in one pass
    (so that no replacement is replaced again), longest name first. A name that stands
    for two places (two counties called 城区) is replaced only where the text is about
    one of them: a department's own region and the regions above it."""

    def __init__(self, places: dict[str, _Place]) -> None:
        candidates: dict[str, set[str]] = {}
        self._chains: dict[str, dict[str, str]] = {}
        for code, place in places.items():
            chain: dict[str, str] = {}
            step: _Place | None = place
            while step is not None:
                chain.update((old, new) for old, new in _pairs(step) if old not in chain)
                step = step.parent
            self._chains[code] = chain
            for old, new in _pairs(place):
                candidates.setdefault(old, set()).add(new)
        self._everywhere = {old: news.pop() for old, news in candidates.items() if len(news) == 1}
        self._pattern = re.compile(
            "|".join(re.escape(name) for name in sorted(candidates, key=len, reverse=True))
        )

    def text(self, value: str, region_code: str | None = None) -> str:
        if not value:
            return value
        chain = self._chains.get(region_code or "", {})
        return self._pattern.sub(lambda m: chain.get(m[0], self._everywhere.get(m[0], m[0])), value)

    def value(self, value: Any, region_code: str | None = None) -> Any:
        """Text in strings, tuples, lists and the values (not keys) of dictionaries."""
        if isinstance(value, str):
            return self.text(value, region_code)
        if isinstance(value, tuple | list):
            return type(value)(self.value(v, region_code) for v in value)
        if isinstance(value, dict):
            return {k: self.value(v, region_code) for k, v in value.items()}
        if hasattr(value, "__dataclass_fields__"):
            return self.renamed(value, region_code=region_code)
        return value

    def renamed(self, spec: Spec, *, region_code: str | None = None) -> Spec:
        """The spec with the names in its texts replaced; codes and references to codes
        (``code``, ``*_code``, ``*_codes``, ``themes``, ``certificate_type``) are not text."""
        changes = {
            f.name: self.value(getattr(spec, f.name), region_code)
            for f in fields(spec)  # type: ignore[arg-type]
            if not (f.name in {"code", "themes", "certificate_type"} or f.name.endswith(("_code", "_codes")))
        }
        return replace(spec, **changes)  # type: ignore[type-var]


def _pairs(place: _Place) -> list[tuple[str, str]]:
    """The template region's names (official, short, English) and the new region's."""
    old, new = place.old, place.new
    pairs = [(old.name, new.name), (old.name_en, new.name_en)]
    if old.level != COUNTY:
        pairs.append((short_name(old.name, old.level), new.short_name))
    return [(o, n) for o, n in pairs if len(o) >= 2]


def _form(
    schema: dict[str, Any], places: dict[str, _Place], template_regions: set[str], names: _Names
) -> dict[str, Any]:
    """An application form with its choices among the template's regions (``enum`` of
    region codes, with ``x-enum-labels``) made choices among the new ones: a region left
    out leaves the choices; labels are renamed after their own region."""

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(v) for v in node]
        if not isinstance(node, dict):
            return names.value(node)
        choices = node.get("enum")
        if (
            isinstance(choices, list)
            and choices
            and all(isinstance(c, str) and c in template_regions for c in choices)
        ):
            labels = node.get("x-enum-labels", {})
            node = {**node, "enum": [places[c].new.code for c in choices if c in places]}
            if isinstance(labels, dict):
                node["x-enum-labels"] = {
                    places[c].new.code: names.value(label, c) for c, label in labels.items() if c in places
                }
            return {k: v if k in {"enum", "x-enum-labels"} else walk(v) for k, v in node.items()}
        return {k: walk(v) for k, v in node.items()}

    result: dict[str, Any] = walk(schema)
    return result
