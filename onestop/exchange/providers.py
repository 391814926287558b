"""Where a data service's answers come from: a plugin per source (settings
ONESTOP_DATA_PROVIDER). The sandbox derives plausible, stable records from the account,
and says in every answer that it is the sandbox."""

from __future__ import annotations

import abc
import hashlib
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from onestop.core.plugins import Plugin, Registry

if TYPE_CHECKING:
    from onestop.identity.models import User


class DataProvider(Plugin, abc.ABC):
    @abc.abstractmethod
    def fetch(self, *, service_code: str, subject: User) -> dict[str, Any]: ...


data_providers: Registry[DataProvider] = Registry(
    kind="data", label=_("Data exchange sources"), setting="ONESTOP_DATA_PROVIDER"
)


@data_providers.register("sandbox")
class SandboxDataProvider(DataProvider):
    verbose_name = _("Sandbox data sources (records derived from the account)")
    is_sandbox = True

    def fetch(self, *, service_code: str, subject: User) -> dict[str, Any]:
        seed = int(hashlib.sha256(f"{subject.pk}:{service_code}".encode()).hexdigest()[:8], 16)
        records: dict[str, dict[str, Any]] = {
            "household": {
                "registered_in": subject.id_number_masked[:4] + "00",
                "household_members": 1 + seed % 5,
                "registration_status": "normal",
            },
            "social_security": {
                "months_contributed": 12 + seed % 240,
                "status": "contributing",
                "last_contribution_month": "2026-10",
            },
            "identity": {
                "name": subject.real_name_masked,
                "id_number": subject.id_number_masked,
                "record_status": "normal",
            },
            "marriage": {"marital_status": ["unmarried", "married"][seed % 2]},
            "property": {"properties_registered": seed % 3},
        }
        return {"sandbox": True, **records.get(service_code, {})}


def data_provider() -> DataProvider:
    return data_providers.enabled()
