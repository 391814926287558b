"""What the tenancy actions take: plain, typed descriptions of what to create."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RegionSpec:
    code: str
    name: str
    level: str
    parent_code: str | None = None
    name_en: str = ""


@dataclass(frozen=True, slots=True)
class DepartmentSpec:
    code: str
    name: str
    line: str
    region_code: str
    name_en: str = ""
    short_name: str = ""
    phone: str = ""
    address: str = ""
