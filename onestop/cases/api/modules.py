"""The back office of service modules: a partner app that handles an item's cases takes
the officer's steps through the API (its token carries ``cases:process``), on the cases
its back office handles; any other case answers like a missing one."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from onestop.cases.access import access_case_for_module, as_of, cases_of_module, law_day, with_law
from onestop.cases.actions import do_module_transition
from onestop.cases.api.citizen import CaseOut, case_out
from onestop.cases.error_codes import CaseErrorCode
from onestop.cases.lifecycle import OFFICER_TRANSITIONS, Transition
from onestop.core.api import ErrorOut
from onestop.core.apiauth import Delegation, delegation_of, partner_route
from onestop.core.errors import ValidationFailed
from onestop.identity.access import client_address
from onestop.tenancy.access import access_tenant_by_code

router = Router(tags=["cases"])
MODULE_ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


def _module(request: HttpRequest) -> Delegation:
    """The app calling with its own token (``PROCESS`` lets no other through)."""
    delegation = delegation_of(request)
    assert delegation is not None
    return delegation


PROCESS = partner_route("cases:process", citizen=False)


class ModuleCaseDetailOut(CaseOut):
    answers: dict[str, Any] = Field(description="The applicant's answers to the item's form.")
    materials: list[dict[str, Any]]


class ModuleCaseFilters(Schema):
    state: str | None = Field(default=None, max_length=24)
    limit: int = Field(default=50, ge=1, le=200)


class StepIn(Schema):
    transition: str = Field(description=", ".join(t.value for t in sorted(OFFICER_TRANSITIONS)))
    comment: str = Field(max_length=1000)
    decision: str = Field(default="", max_length=16, description="approved or rejected, for decide.")
    missing: list[str] = Field(default=[], max_length=50, description="For request_correction.")
    redirect_to: str = Field(default="", max_length=200, description="For not_accept.")


@router.get(
    "/tenants/{tenant}/module/cases",
    response={200: list[CaseOut], **MODULE_ERRORS},
    summary="Cases the app's back office handles",
    **PROCESS,
)
def module_cases(
    request: HttpRequest, tenant: str, filters: Query[ModuleCaseFilters]
) -> list[dict[str, Any]]:
    delegation = _module(request)
    today = law_day()
    cases = with_law(cases_of_module(access_tenant_by_code(tenant), delegation.app_client_id), today)
    if filters.state:
        cases = cases.filter(law_state=filters.state)
    return [case_out(c) for c in as_of(cases[: filters.limit], today)]


@router.get(
    "/tenants/{tenant}/module/cases/{number}",
    response={200: ModuleCaseDetailOut, **MODULE_ERRORS},
    summary="One case with its answers and materials",
    **PROCESS,
)
def module_case(request: HttpRequest, tenant: str, number: str) -> dict[str, Any]:
    delegation = _module(request)
    case = access_case_for_module(access_tenant_by_code(tenant), delegation.app_client_id, number)
    materials = [
        {
            "order": m.order,
            "name": m.name,
            "uploaded": m.upload_id is not None,
            "certificate": m.certificate_id,
            "fetch_consented": m.fetch_consented,
        }
        for m in case.materials.order_by("order")
    ]
    return {**case_out(case), "answers": case.data, "materials": materials}


@router.post(
    "/tenants/{tenant}/module/cases/{number}/steps",
    response={200: CaseOut, **MODULE_ERRORS},
    summary="Take a step on a case: accept, ask for corrections, decide, conclude ...",
    **PROCESS,
)
def module_step(request: HttpRequest, tenant: str, number: str, payload: StepIn) -> dict[str, Any]:
    delegation = _module(request)
    case = access_case_for_module(access_tenant_by_code(tenant), delegation.app_client_id, number)
    if payload.transition not in {t.value for t in OFFICER_TRANSITIONS}:
        raise ValidationFailed(
            CaseErrorCode.TRANSITION_UNKNOWN,
            _("Unknown step: %(step)s.") % {"step": payload.transition[:40]},
            field="transition",
        )
    transition = Transition(payload.transition)
    case = do_module_transition(
        actor=delegation.actor(client_address(request)),
        app_client_id=delegation.app_client_id,
        case=case,
        transition=transition,
        comment=payload.comment,
        decision=payload.decision,
        missing=payload.missing,
        redirect_to=payload.redirect_to,
    )
    return case_out(case)
