"""The citizen's side of data exchange: consent per case and "who looked at my data",
with the proof that each look is in the audit log as published."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onestop.cases.access import access_case_for_applicant
from onestop.core.errors import OnestopError
from onestop.core.transparency import inclusion_proof
from onestop.exchange.access import (
    access_audited_look,
    audited_looks_at,
    consents_for_case,
    data_services,
    queries_about,
)
from onestop.exchange.actions import do_set_consent
from onestop.identity.access import actor_for
from onestop.identity.pages import citizen_required

if TYPE_CHECKING:
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant


@citizen_required
def case_consents(request: HttpRequest, tenant: Tenant, user: User, number: str) -> HttpResponse:
    case = access_case_for_applicant(tenant, user, number)
    granted = consents_for_case(tenant, case.number)
    rows = [(service, service.code in granted) for service in data_services(tenant)]
    return render(
        request,
        "exchange/consents.html",
        {"tenant": tenant, "case": case, "rows": rows, "nav": "me"},
    )


@require_POST
@citizen_required
def set_consent(request: HttpRequest, tenant: Tenant, user: User, number: str) -> HttpResponse:
    case = access_case_for_applicant(tenant, user, number)
    try:
        do_set_consent(
            actor=actor_for(user, request),
            holder=user,
            case=case,
            service_code=request.POST.get("service", ""),
            granted=request.POST.get("granted") == "1",
        )
        messages.success(request, _("Saved."))
    except OnestopError as error:
        messages.error(request, str(error.message))
    return redirect("exchange:consents", tenant.code, case.number)


@citizen_required
def who_looked(request: HttpRequest, tenant: Tenant, user: User) -> HttpResponse:
    return render(
        request,
        "exchange/who_looked.html",
        {
            "tenant": tenant,
            "queries": queries_about(tenant, user)[:200],
            "looks": audited_looks_at(tenant, user),
            "nav": "me",
        },
    )


@citizen_required
def audit_proof(request: HttpRequest, tenant: Tenant, user: User, chain: str, sequence: int) -> HttpResponse:
    """The proof that an audit entry of a look at the person's data is in the audit log
    as published: a file anyone can check with the platform's public key."""
    access_audited_look(tenant, user, chain, sequence)
    proof = inclusion_proof(chain, sequence)
    response = JsonResponse(proof, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="audit-proof-{chain}-{sequence}.json"'
    response["Cache-Control"] = "private, no-store"
    return response
