"""What the actions take: plain, typed descriptions of what to create."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CertificateTypeSpec:
    code: str
    name: str
    issuer_code: str
    name_en: str = ""
    validity_days: int = 0
    item_codes: tuple[str, ...] = ()
    fields: tuple[dict[str, str], ...] = ()
