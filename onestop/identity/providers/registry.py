"""Matching a name and ID number against the population registry (trust level L3).

Settings: ONESTOP_REGISTRY_PROVIDER (default "sandbox").
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from onestop.core.crypto import keyed_hash
from onestop.core.plugins import Plugin, Registry
from onestop.identity.models import SandboxResident
from onestop.tenancy.models import Tenant


class RegistryAnswer(StrEnum):
    MATCH = "match"
    NO_MATCH = "no_match"  # unknown number, or the name differs: a registry says no more
    CANCELLED = "cancelled"  # the record was cancelled (deceased, emigrated ...)
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True, slots=True)
class RegistryResult:
    answer: RegistryAnswer
    provider: str


class PopulationRegistry(Plugin, abc.ABC):
    @abc.abstractmethod
    def match(self, *, tenant: Tenant, name: str, id_number: str) -> RegistryResult: ...


population_registries: Registry[PopulationRegistry] = Registry(
    kind="registry", label=_("Population registry"), setting="ONESTOP_REGISTRY_PROVIDER"
)


def resident_hashes(name: str, id_number: str) -> tuple[str, str]:
    return keyed_hash("resident-id", id_number), keyed_hash("resident-name", name.strip())


@population_registries.register("sandbox")
class SandboxPopulationRegistry(PopulationRegistry):
    """The demo tenant's synthetic residents (``onestop demo`` loads 10,000). Answers the
    way a matching service does; it is a sandbox and holds no real person."""

    verbose_name = _("Sandbox population registry (synthetic residents)")
    is_sandbox = True

    def match(self, *, tenant: Tenant, name: str, id_number: str) -> RegistryResult:
        id_hash, name_hash = resident_hashes(name, id_number)
        resident = SandboxResident.objects.filter(tenant=tenant, id_number_hash=id_hash).first()
        if resident is None or resident.name_hash != name_hash:
            return RegistryResult(RegistryAnswer.NO_MATCH, self.identifier)
        if resident.status == "cancelled":
            return RegistryResult(RegistryAnswer.CANCELLED, self.identifier)
        return RegistryResult(RegistryAnswer.MATCH, self.identifier)


def population_registry() -> PopulationRegistry:
    return population_registries.enabled()
