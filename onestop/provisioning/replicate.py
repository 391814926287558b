"""A new tenant from a template tenant, in one step: regions, departments, themes, the
published catalogue with its forms and life events, certificate types and data services,
written through the same actions an operator's imports use. Nothing is shared: the new
tenant's rows are its own from then on, and changes to either tenant stay there."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from onestop.catalogue.access import catalogue_specs
from onestop.catalogue.actions import (
    do_define_life_events,
    do_define_themes,
    do_publish_service_forms,
    do_publish_service_items,
)
from onestop.certificates.access import certificate_type_specs
from onestop.certificates.actions import do_define_certificate_types
from onestop.core import databases
from onestop.core.actors import Actor
from onestop.exchange.access import data_service_specs
from onestop.exchange.actions import do_publish_data_services
from onestop.tenancy.access import (
    access_tenant_by_code,
    department_specs,
    region_specs,
    tenant_database,
)
from onestop.tenancy.actions import do_create_tenant, do_import_departments, do_import_regions

if TYPE_CHECKING:
    from onestop.tenancy.models import Tenant


def replicate_tenant(*, actor: Actor, template: str, code: str, name: str, name_en: str = "",
                     kind: str = "province", progress: Callable[[int], None] | None = None) -> Tenant:  # fmt: skip
    """All or nothing: a failure anywhere leaves no half-made tenant behind."""
    source = access_tenant_by_code(template, public_only=False)
    with tenant_database(source.code):  # the template may live on another database
        themes, items, life_events, forms = catalogue_specs(source)
        regions, departments = region_specs(source), department_specs(source)
        certificate_types, data_services = (
            certificate_type_specs(source),
            data_service_specs(source),
        )
    with databases.using(databases.PLATFORM), databases.atomic():  # new tenants start there
        tenant = do_create_tenant(actor=actor, code=code, name=name, name_en=name_en, kind=kind)
        do_import_regions(actor=actor, tenant=tenant, regions=regions)
        do_import_departments(actor=actor, tenant=tenant, departments=departments)
        do_define_themes(actor=actor, tenant=tenant, themes=themes)
        do_publish_service_items(actor=actor, tenant=tenant, items=items, progress=progress)
        do_define_life_events(actor=actor, tenant=tenant, life_events=life_events)
        do_publish_service_forms(actor=actor, tenant=tenant, forms=forms)
        do_define_certificate_types(actor=actor, tenant=tenant, types=certificate_types)
        do_publish_data_services(actor=actor, tenant=tenant, services=data_services)
    return tenant
