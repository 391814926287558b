"""A new tenant from a template tenant, in one step: regions, departments, themes, the
published catalogue with its forms and life events, certificate types and data services,
written through the same actions an operator's imports use. Nothing is shared: the new
tenant's rows are its own from then on, and changes to either tenant stay there.

With a region (a province's GB/T 2260 code), the new tenant is that province: its cities
and counties from the official table in the places of the template's, and the template's
departments, place names and item codes made its own (``renaming``). Without one, it is a
copy of the template under the template's names (an enterprise's or a sandbox's tenant,
a test copy)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from onestop.catalogue.access import catalogue_specs
from onestop.catalogue.actions import (
    define_life_events,
    define_themes,
    publish_service_forms,
    publish_service_items,
)
from onestop.certificates.access import certificate_type_specs
from onestop.certificates.actions import define_certificate_types
from onestop.core import databases
from onestop.core.actors import Actor
from onestop.exchange.access import data_service_specs
from onestop.exchange.actions import publish_data_services
from onestop.provisioning.renaming import Renamed, renamed_for_province
from onestop.provisioning.specs import TenantContent
from onestop.tenancy.access import access_tenant_by_code, department_specs, region_specs
from onestop.tenancy.actions import create_tenant, import_departments, import_regions
from onestop.tenancy.divisions import province_division
from onestop.tenancy.routing import tenant_database

if TYPE_CHECKING:
    from onestop.tenancy.models import Tenant


def do_replicate_tenant(
    *,
    actor: Actor,
    template: str,
    code: str,
    name: str,
    name_en: str = "",
    kind: str = "province",
    region: str | None = None,
    progress: Callable[[int], None] | None = None,
    report: Callable[[Renamed], None] | None = None,
) -> Tenant:
    """All or nothing: a failure anywhere leaves no half-made tenant behind, and a bad
    region is refused before anything is written. ``report`` hears what the renaming
    did (cities, counties, the template's departments left out)."""
    division = province_division(region) if region is not None else None
    source = access_tenant_by_code(template, public_only=False)
    with tenant_database(source.code):  # the template may live on another database
        themes, items, life_events, forms = catalogue_specs(source)
        content = TenantContent(
            regions=region_specs(source),
            departments=department_specs(source),
            themes=themes,
            items=items,
            life_events=life_events,
            forms=forms,
            certificate_types=certificate_type_specs(source),
            data_services=data_service_specs(source),
        )
    renamed = None
    if division is not None:
        renamed = renamed_for_province(content, province=division, template_code=source.code, code=code)
        content = renamed.content
    with databases.using(databases.PLATFORM), databases.action():  # new tenants start there
        # A copy of demo data is demo data.
        tenant = create_tenant(
            actor=actor, code=code, name=name, name_en=name_en, kind=kind, demo=source.demo
        )
        import_regions(actor=actor, tenant=tenant, regions=content.regions)
        import_departments(actor=actor, tenant=tenant, departments=content.departments)
        define_themes(actor=actor, tenant=tenant, themes=content.themes)
        publish_service_items(actor=actor, tenant=tenant, items=content.items, progress=progress)
        define_life_events(actor=actor, tenant=tenant, life_events=content.life_events)
        publish_service_forms(actor=actor, tenant=tenant, forms=content.forms)
        define_certificate_types(actor=actor, tenant=tenant, types=content.certificate_types)
        publish_data_services(actor=actor, tenant=tenant, services=content.data_services)
    if renamed is not None and report is not None:
        report(renamed)
    return tenant
