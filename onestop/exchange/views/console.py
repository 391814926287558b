"""Data exchange in the console: looking data up for a case (with the citizen's consent
or a stated legal basis), an answer as it was logged, and what the data exchange adds to
the officer's case page (``cases.hooks``: the lookup form, and on each material left for
the department to fetch, the services that hold it and the department's looks)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from onestop.cases.access import access_case_for_officer, is_open
from onestop.cases.hooks import officer_case_section, officer_material_notes
from onestop.core.errors import OnestopError
from onestop.exchange import actions
from onestop.exchange.access import (
    access_query,
    consents_for_case,
    data_services,
    queries_for_case,
    services_holding,
)
from onestop.identity.access import actor_for
from onestop.identity.pages import console_page, staff_context
from onestop.identity.permissions import Permission

if TYPE_CHECKING:
    from onestop.cases.models import Case
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant


@officer_case_section
def lookup_form(request: HttpRequest, tenant: Tenant, officer: User, case: Case, can_act: bool) -> str:
    """The form to look data up for an open case the officer may act on."""
    services = list(data_services(tenant))
    if not (can_act and is_open(case) and services):
        return ""
    context = {
        "tenant": tenant,
        "case": case,
        "services": services,
        "consented": consents_for_case(tenant, case.number),
    }
    return render_to_string("exchange/console/_lookup.html", context, request=request)


@officer_material_notes
def fetched_materials(
    request: HttpRequest, tenant: Tenant, officer: User, case: Case, can_act: bool
) -> Mapping[int, str]:
    """On each material left to fetch (the applicant's consent given with the
    application): the services that hold it, the department's looks at them, or a button
    to look it up now."""
    guide = {m.order: m for m in case.item.materials.all()}
    materials = [
        m for m in case.materials.all() if m.fetch_consented and not m.certificate_id and m.order in guide
    ]
    if not materials:
        return {}
    holding = services_holding(tenant, [guide[m.order].certificate_type for m in materials])
    queries: dict[int, list[Any]] = {}
    for query in queries_for_case(tenant, case.number):
        queries.setdefault(query.service_id, []).append(query)
    can_look_up = can_act and is_open(case)
    return {
        m.order: render_to_string(
            "exchange/console/_fetch.html",
            {
                "tenant": tenant,
                "case": case,
                "m": m,
                "can_look_up": can_look_up,
                "fetch": [
                    (service, queries.get(service.pk, []))
                    for service in holding.get(guide[m.order].certificate_type, [])
                ],
            },
            request=request,
        )
        for m in materials
    }


@console_page(Permission.HANDLE_CASES)
def logged_answer(
    request: HttpRequest, tenant: Tenant, user: User, number: str, query_id: int
) -> HttpResponse:
    """A data query of the case, and the answer it got as it was kept."""
    case = access_case_for_officer(tenant, user, number)
    query = access_query(tenant, case.number, query_id)
    data = actions.do_open_logged_answer(actor=actor_for(user, request), officer=user, case=case, query=query)
    context = staff_context(
        request, tenant, user, case=case, data=data, query=query, service=query.service.display_name
    )
    response = render(request, "exchange/console/data_result.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@console_page(Permission.HANDLE_CASES)
def query_data(request: HttpRequest, tenant: Tenant, user: User, number: str) -> HttpResponse:
    """Look up a data service for the case: with the citizen's consent or a legal basis."""
    case = access_case_for_officer(tenant, user, number)
    try:
        data = actions.do_query(
            actor=actor_for(user, request),
            officer=user,
            case=case,
            service_code=request.POST.get("service", ""),
            purpose=request.POST.get("purpose", ""),
            legal_basis=request.POST.get("legal_basis", ""),
        )
    except OnestopError as error:
        messages.error(request, f"{error.message} ({error.code})")
        return redirect("cases:officer_case", tenant.code, case.number)
    context = staff_context(
        request, tenant, user, case=case, data=data, service=request.POST.get("service", "")
    )
    response = render(request, "exchange/console/data_result.html", context)
    response["Cache-Control"] = "no-store"
    return response
