"""What provisioning takes: everything a tenant is made from, as its apps' actions take it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from onestop.catalogue.specs import LifeEventSpec, ServiceItemSpec, ThemeSpec
from onestop.certificates.specs import CertificateTypeSpec
from onestop.exchange.specs import DataServiceSpec
from onestop.tenancy.specs import DepartmentSpec, RegionSpec


@dataclass(frozen=True, slots=True)
class TenantContent:
    """A template tenant's regions, departments, catalogue, certificate types and data
    services; ``forms`` are the items' current application forms by item code."""

    regions: list[RegionSpec]
    departments: list[DepartmentSpec]
    themes: list[ThemeSpec]
    items: list[ServiceItemSpec]
    life_events: list[LifeEventSpec]
    forms: dict[str, dict[str, Any]]
    certificate_types: list[CertificateTypeSpec]
    data_services: list[DataServiceSpec]
