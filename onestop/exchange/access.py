from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from onestop.cases.access import cases_of_applicant
from onestop.core.errors import NotFound
from onestop.core.transparency import AuditSubject, entries_about, entry_about
from onestop.exchange.error_codes import ExchangeErrorCode
from onestop.exchange.models import Consent, DataQuery, DataService
from onestop.exchange.specs import DataServiceSpec
from onestop.identity.access import reveals_of

if TYPE_CHECKING:
    from onestop.core.transparency import ChainEntry
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant


def data_services(tenant: Tenant) -> QuerySet[DataService]:
    return DataService.objects.filter(tenant=tenant).select_related("provider").order_by("code")


def queries_about(tenant: Tenant, user: User) -> QuerySet[DataQuery]:
    """Who looked at the person's data, when and why."""
    return DataQuery.objects.filter(tenant=tenant, subject=user).select_related(
        "service", "department", "officer"
    )


def _audited_looks(tenant: Tenant, user: User) -> list[AuditSubject]:
    """The audit entries of looks at the person's data: reveals of their personal data,
    data-exchange queries (refused ones too) about their cases, and their answers read
    again."""
    numbers = tuple(cases_of_applicant(tenant, user).values_list("number", flat=True))
    return [
        reveals_of(user),
        AuditSubject(action="exchange.query", object_type="case", object_ids=numbers),
        AuditSubject(action="exchange.open_answer", object_type="case", object_ids=numbers),
    ]


def audited_looks_at(tenant: Tenant, user: User) -> list[ChainEntry]:
    """The newest audit entries of looks at the person's data, from every audit chain."""
    return entries_about(tenant.code, _audited_looks(tenant, user))


def access_audited_look(tenant: Tenant, user: User, chain: str, sequence: int) -> None:
    """Nothing when the entry is a look at the person's data; the same NotFound for an
    entry about someone else, of another tenant, or that does not exist."""
    if entry_about(tenant.code, _audited_looks(tenant, user), chain, sequence) is None:
        raise NotFound(ExchangeErrorCode.AUDIT_ENTRY_NOT_FOUND, _("No such audit entry."))


def services_holding(tenant: Tenant, certificate_types: Iterable[str]) -> dict[str, list[DataService]]:
    """The data services that hold each certificate type's data (what a material the
    applicant let the department fetch is fetched from)."""
    wanted = {t for t in certificate_types if t}
    held: dict[str, list[DataService]] = {t: [] for t in wanted}
    for service in data_services(tenant).filter(certificate_type__in=wanted):
        held[service.certificate_type].append(service)
    return held


def queries_for_case(tenant: Tenant, case_number: str) -> QuerySet[DataQuery]:
    """The looks taken at the applicant's data for a case, newest first."""
    return DataQuery.objects.filter(tenant=tenant, case_number=case_number).select_related(
        "service", "officer"
    )


def access_query(tenant: Tenant, case_number: str, query_id: int | str) -> DataQuery:
    """A query of the case's log; one of another case or tenant answers like a missing one
    (the caller has already reached the case)."""
    try:
        query = queries_for_case(tenant, case_number).filter(pk=int(query_id)).first()
    except (TypeError, ValueError):
        query = None
    if query is None:
        raise NotFound(ExchangeErrorCode.QUERY_NOT_FOUND, _("No such data query."))
    return query


def consents_for_case(tenant: Tenant, case_number: str) -> set[str]:
    return set(
        Consent.objects.filter(tenant=tenant, case_number=case_number, withdrawn_at__isnull=True).values_list(
            "service__code", flat=True
        )
    )


def data_service_specs(tenant: Tenant) -> list[DataServiceSpec]:
    """The tenant's data services as their publication takes them (a template's)."""
    return [
        DataServiceSpec(
            code=d.code,
            name=d.name,
            provider_code=d.provider.code,
            name_en=d.name_en,
            description=d.description,
            certificate_type=d.certificate_type,
        )
        for d in DataService.objects.filter(tenant=tenant).select_related("provider").order_by("code")
    ]
