"""What the actions take: plain, typed descriptions of what to create."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DataServiceSpec:
    code: str
    name: str
    provider_code: str
    name_en: str = ""
    description: str = ""
    certificate_type: str = ""
