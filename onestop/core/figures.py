"""A tenant's headline figures, from every app: each app's ``kpis`` module registers the
figures it owns (``figures_of``), found when first asked for (Django's autodiscovery of
``<app>.kpis``). The API's kpis object and the dashboards read them here; a new business
area adds its figures without touching either."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import autodiscover_modules

if TYPE_CHECKING:
    from onestop.tenancy.models import Tenant

Figures = Callable[["Tenant"], Mapping[str, Any]]
_providers: dict[str, Figures] = {}
_discovered: list[bool] = []


def figures_of(app: str) -> Callable[[Figures], Figures]:
    def register(provide: Figures) -> Figures:
        _providers[app] = provide
        return provide

    return register


def tenant_figures(tenant: Tenant) -> dict[str, Any]:
    if not _discovered:
        autodiscover_modules("kpis")  # every app's, not only those some page imported already
        _discovered.append(True)
    figures: dict[str, Any] = {}
    for app in sorted(_providers):
        figures.update(_providers[app](tenant))
    return figures
