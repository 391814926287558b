"""Case endpoints of the public API: the citizen with the portal's session, or a partner
app with a token issued under the citizen's consent (which sees only the cases applied
for through it)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from ninja.security import django_auth

from onestop.cases import actions, uploads
from onestop.cases.access import access_case_for_applicant, as_of, cases_of_applicant, law_day
from onestop.core.api import ErrorOut
from onestop.core.apiauth import delegation_of, partner_route
from onestop.core.errors import NotFound
from onestop.identity.access import access_user, actor_for, client_address, current_user
from onestop.identity.error_codes import IdentityErrorCode
from onestop.tenancy.access import access_tenant_by_code

if TYPE_CHECKING:
    from onestop.cases.models import Upload
    from onestop.core.actors import Actor
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant

router = Router(tags=["cases"], auth=django_auth)
ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,  # a body that is not JSON at all
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


class ApplicationIn(Schema):
    item: str
    answers: dict[str, Any] = {}
    uploads: dict[int, int] = {}


class CaseOut(Schema):
    """A case as the law has it today: one left unanswered for 5 working days after
    receipt is accepted as of receipt, whether or not anyone recorded it yet."""

    number: str
    item: str
    item_name: str
    department: str
    state: str
    public_state: str
    decision: str
    received_on: date
    accepted_on: date | None
    due_on: date | None = Field(
        description="The running deadline, in working days: see due_for; null when none runs."
    )
    due_for: str | None = Field(
        description="What due_on is the deadline for: acceptance (accept, refuse or ask for "
        "corrections), decision, or certificate (issued within 10 working days of an approval)."
    )
    decided_on: date | None


class UploadOut(Schema):
    id: int
    material_order: int
    content_type: str
    size: int


def case_out(case: Any) -> dict[str, Any]:
    """The case's answer; read it through ``cases.access`` (as the law has it today)."""
    clock = case.clock
    return {
        "number": case.number,
        "item": case.item.code,
        "item_name": case.item.name,
        "department": case.department.code,
        "state": case.state,
        "public_state": case.public_state,
        "decision": case.decision,
        "received_on": case.received_on,
        "accepted_on": case.accepted_on,
        "due_on": case.due_on,
        "due_for": clock.value if clock else None,
        "decided_on": case.decided_on,
    }


@dataclass(frozen=True, slots=True)
class Applicant:
    tenant: Tenant
    user: User
    actor: Actor
    via_app: str | None  # the partner app acting for the applicant, if one is


def _applicant(request: HttpRequest, tenant: str) -> Applicant:
    owner = access_tenant_by_code(tenant)
    delegation = delegation_of(request)
    if delegation is not None and delegation.user_id is not None:
        user = access_user(owner, delegation.user_id)
        actor = delegation.actor(client_address(request))
        return Applicant(owner, user, actor, delegation.app_client_id)
    citizen = current_user(request, owner)
    if citizen is None:
        raise NotFound(IdentityErrorCode.USER_NOT_FOUND, _("No such account."))
    return Applicant(owner, citizen, actor_for(citizen, request), None)


WRITE = partner_route("cases:write", citizen=True, session=True)
READ = partner_route("cases:read", citizen=True, session=True)


@router.post(
    "/tenants/{tenant}/uploads",
    response={201: UploadOut, **ERRORS},
    summary="Upload a material file",
    **WRITE,
)
def upload(
    request: HttpRequest, tenant: str, material_order: Form[int], file: File[UploadedFile]
) -> Status[Upload]:
    who = _applicant(request, tenant)
    stored = actions.do_attach_upload(
        actor=who.actor,
        owner=who.user,
        tenant=who.tenant,
        content=file.read(uploads.MAX_BYTES + 1),
        original_name=file.name or "",
        material_order=material_order,
    )
    return Status(201, stored)


@router.post(
    "/tenants/{tenant}/applications",
    response={201: CaseOut, **ERRORS},
    summary="Submit an application (send an Idempotency-Key to retry safely)",
    **WRITE,
)
def submit(request: HttpRequest, tenant: str, payload: ApplicationIn) -> Any:
    who = _applicant(request, tenant)
    answered = actions.do_submit_application_idempotently(
        actor=who.actor,
        applicant=who.user,
        tenant=who.tenant,
        item_code=payload.item,
        answers=payload.answers,
        upload_ids=list(payload.uploads.values()),
        key=request.headers.get("Idempotency-Key", "").strip()[:128],
        fingerprint=actions.request_fingerprint(payload.dict()),
        answer=lambda case: json.loads(_json(case_out(case))),
    )
    return HttpResponse(_json(answered.body), status=answered.status, content_type="application/json")


def _json(body: Any) -> str:
    return json.dumps(body, ensure_ascii=False, default=str)


@router.get("/tenants/{tenant}/cases", response={200: list[CaseOut], **ERRORS}, summary="My cases", **READ)
def my_cases(request: HttpRequest, tenant: str) -> list[dict[str, Any]]:
    who = _applicant(request, tenant)
    cases = cases_of_applicant(who.tenant, who.user, via_app=who.via_app)[:200]
    return [case_out(c) for c in as_of(cases, law_day())]


@router.get(
    "/tenants/{tenant}/cases/{number}",
    response={200: CaseOut, **ERRORS},
    summary="A case's status",
    **READ,
)
def case_status(request: HttpRequest, tenant: str, number: str) -> dict[str, Any]:
    who = _applicant(request, tenant)
    return case_out(access_case_for_applicant(who.tenant, who.user, number, via_app=who.via_app))
