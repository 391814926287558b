"""Consent and queries. A query needs a purpose tied to an open case of the officer's
department and either the citizen's consent for that case or a stated legal basis; it is
logged before the data is returned, refused ones too (in the audit log)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.cases.access import can_handle, is_open
from onestop.cases.error_codes import CaseErrorCode
from onestop.core import databases
from onestop.core.audit import record_action
from onestop.core.crypto import decrypt, encrypt
from onestop.core.errors import Conflict, NotFound, ValidationFailed
from onestop.core.models import AuditOutcome
from onestop.exchange.audit import ExchangeAudit
from onestop.exchange.error_codes import ExchangeErrorCode
from onestop.exchange.models import Consent, DataQuery, DataService
from onestop.exchange.providers import data_provider
from onestop.tenancy.models import Department

if TYPE_CHECKING:
    from onestop.cases.models import Case
    from onestop.core.actors import Actor
    from onestop.core.errors import OnestopError
    from onestop.exchange.specs import DataServiceSpec
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant


def do_publish_data_services(*, actor: Actor, tenant: Tenant, services: Sequence[DataServiceSpec]) -> int:
    with databases.action():
        return publish_data_services(actor=actor, tenant=tenant, services=services)


def publish_data_services(*, actor: Actor, tenant: Tenant, services: Sequence[DataServiceSpec]) -> int:
    """The step itself, in the caller's transaction."""
    departments = {d.code: d for d in Department.objects.filter(tenant=tenant)}
    for spec in services:
        DataService.objects.update_or_create(
            tenant=tenant,
            code=spec.code,
            defaults={
                "name": spec.name,
                "name_en": spec.name_en,
                "provider": departments[spec.provider_code],
                "description": spec.description,
                "certificate_type": spec.certificate_type,
            },
        )
    record_action(
        actor=actor,
        action=ExchangeAudit.PUBLISH_SERVICES,
        tenant_code=tenant.code,
        object_type="data_service",
        detail={"count": len(services)},
    )
    return len(services)


def _service(tenant: Tenant, code: str) -> DataService:
    service = DataService.objects.filter(tenant=tenant, code=code).first()
    if service is None:
        raise ValidationFailed(ExchangeErrorCode.SERVICE_UNKNOWN, _("Unknown data service."), field="service")
    return service


def do_set_consent(*, actor: Actor, holder: User, case: Case, service_code: str, granted: bool) -> None:
    if case.applicant_id != holder.pk:
        raise NotFound(CaseErrorCode.CASE_NOT_FOUND, _("No such case."))
    service = _service(case.tenant, service_code)
    with databases.action():
        if granted:
            Consent.objects.update_or_create(
                tenant=case.tenant,
                case_number=case.number,
                service=service,
                defaults={"holder": holder, "granted_at": timezone.now(), "withdrawn_at": None},
            )
        else:
            Consent.objects.filter(tenant=case.tenant, case_number=case.number, service=service).update(
                withdrawn_at=timezone.now()
            )
        record_action(
            actor=actor,
            action=ExchangeAudit.GRANT_CONSENT if granted else ExchangeAudit.WITHDRAW_CONSENT,
            tenant_code=case.tenant.code,
            object_type="case",
            object_id=case.number,
            detail={"service": service.code},
        )


def has_consent(case: Case, service: DataService) -> bool:
    """Consent given on the case, or at application: a material of the service's
    certificate type that the applicant let the department fetch."""
    if Consent.objects.filter(
        tenant=case.tenant, case_number=case.number, service=service, withdrawn_at__isnull=True
    ).exists():
        return True
    if not service.certificate_type:
        return False
    orders = case.materials.filter(fetch_consented=True).values_list("order", flat=True)
    return case.item.materials.filter(
        order__in=list(orders), certificate_type=service.certificate_type
    ).exists()


def do_query(
    *, actor: Actor, officer: User, case: Case, service_code: str, purpose: str, legal_basis: str = ""
) -> dict[str, Any]:
    service = _service(case.tenant, service_code)
    refusal: OnestopError | None = None
    if not can_handle(officer, case):
        refusal = NotFound(CaseErrorCode.CASE_NOT_FOUND, _("No such case."))
    elif not is_open(case):
        refusal = Conflict(ExchangeErrorCode.CASE_CLOSED, _("Data may be queried only for an open case."))
    elif not purpose.strip():
        refusal = ValidationFailed(
            ExchangeErrorCode.PURPOSE_REQUIRED,
            _("State the purpose of the query."),
            field="purpose",
        )
    elif not (consented := has_consent(case, service)) and not legal_basis.strip():
        refusal = ValidationFailed(
            ExchangeErrorCode.NO_CONSENT_OR_BASIS,
            _("The citizen has not consented: state the legal basis."),
            field="legal_basis",
        )
    if refusal is not None:
        record_action(
            actor=actor,
            action=ExchangeAudit.QUERY,
            tenant_code=case.tenant.code,
            object_type="case",
            object_id=case.number,
            detail={"service": service.code, "refused": str(refusal.code)},
            outcome=AuditOutcome.DENIED,
        )
        raise refusal
    basis = "consent" if consented else "legal"
    # The look is on record (committed) before the source is asked, so that it stays
    # logged whatever becomes of the answer; the answer joins it once it came.
    with databases.action():
        query = DataQuery.objects.create(
            tenant=case.tenant,
            service=service,
            subject=case.applicant,
            case_number=case.number,
            department=case.department,
            officer=officer,
            purpose=purpose.strip()[:200],
            basis=basis,
            legal_basis=legal_basis.strip()[:200],
        )
        record_action(
            actor=actor,
            action=ExchangeAudit.QUERY,
            tenant_code=case.tenant.code,
            object_type="case",
            object_id=case.number,
            detail={"service": service.code, "basis": basis, "query": query.pk},
        )
    answer = data_provider().fetch(service_code=service.code, subject=case.applicant)
    with databases.action():
        DataQuery.objects.of(query.tenant_id).filter(pk=query.pk).update(
            answer_encrypted=encrypt(json.dumps(answer, ensure_ascii=False, default=str))
        )
    return answer


def do_open_logged_answer(*, actor: Actor, officer: User, case: Case, query: DataQuery) -> dict[str, Any]:
    """The answer a query of the case got, as it was kept: for the case's department, and
    recorded, since it shows the citizen's data again. Empty when none was kept."""
    if not can_handle(officer, case) or query.case_number != case.number or query.tenant_id != case.tenant_id:
        raise NotFound(ExchangeErrorCode.QUERY_NOT_FOUND, _("No such data query."))
    with databases.action():
        record_action(
            actor=actor,
            action=ExchangeAudit.OPEN_ANSWER,
            tenant_code=case.tenant.code,
            object_type="case",
            object_id=case.number,
            detail={"service": query.service.code, "query": query.pk},
        )
    if not query.answer_encrypted:
        return {}
    answer: dict[str, Any] = json.loads(decrypt(query.answer_encrypted))
    return answer
