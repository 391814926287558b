"""What the catalogue actions take: typed descriptions of themes, items and life events,
as an authority's implementation list states them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class ThemeSpec:
    code: str
    name: str
    audience: str
    name_en: str = ""


@dataclass(frozen=True, slots=True)
class MaterialSpec:
    name: str
    form: str
    quantity: int = 1
    required: bool = True
    notes: str = ""
    certificate_type: str = ""
    filled_online: bool = False


@dataclass(frozen=True, slots=True)
class StepSpec:
    name: str
    description: str = ""
    requires_visit: bool = False


@dataclass(frozen=True, slots=True)
class PlaceSpec:
    name: str
    address: str
    hours: str
    phone: str = ""


@dataclass(frozen=True, slots=True)
class ServiceItemSpec:
    code: str
    name: str
    item_type: str
    department_code: str
    exercise_level: str
    audience: str
    legal_basis: str
    acceptance_conditions: str
    statutory_limit_days: int
    committed_limit_days: int
    consultation_phone: str
    complaint_phone: str
    visits_required: int
    materials: tuple[MaterialSpec, ...]
    steps: tuple[StepSpec, ...]
    places: tuple[PlaceSpec, ...] = ()
    name_en: str = ""
    sub_item: str = ""
    variant: str = ""
    summary: str = ""
    fee_amount: Decimal = Decimal("0")
    fee_basis: str = ""
    online_depth: int = 4
    min_trust_level: int = 3
    keywords: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    popularity: int = 0
    issues_paper_licence: bool = False


@dataclass(frozen=True, slots=True)
class LifeEventSpec:
    code: str
    name: str
    audience: str
    item_codes: tuple[str, ...] = field(default_factory=tuple)
    name_en: str = ""
    description: str = ""
