from __future__ import annotations

from django.db.models import QuerySet

from onestop.exchange.models import Consent, DataQuery, DataService
from onestop.exchange.specs import DataServiceSpec
from onestop.identity.models import User
from onestop.tenancy.models import Tenant


def data_services(tenant: Tenant) -> QuerySet[DataService]:
    return DataService.objects.filter(tenant=tenant).select_related("provider").order_by("code")


def queries_about(tenant: Tenant, user: User) -> QuerySet[DataQuery]:
    """Who looked at the person's data, when and why."""
    return DataQuery.objects.filter(tenant=tenant, subject=user).select_related(
        "service", "department", "officer"
    )


def consents_for_case(tenant: Tenant, case_number: str) -> set[str]:
    return set(
        Consent.objects.filter(tenant=tenant, case_number=case_number, withdrawn_at__isnull=True)
        .values_list("service__code", flat=True)
    )  # fmt: skip


def figures(tenant: Tenant) -> dict[str, int]:
    return {"data_exchange_queries": DataQuery.objects.filter(tenant=tenant).count()}


def data_service_specs(tenant: Tenant) -> list[DataServiceSpec]:
    """The tenant's data services as their publication takes them (a template's)."""
    return [DataServiceSpec(code=d.code, name=d.name, provider_code=d.provider.code, name_en=d.name_en,
                            description=d.description, certificate_type=d.certificate_type)
            for d in DataService.objects.filter(tenant=tenant).select_related("provider").order_by("code")]  # fmt: skip
