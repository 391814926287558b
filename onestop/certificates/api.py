"""Certificates in the public API. Verification: anyone may ask; nothing beyond what the
credential itself holds is told, but for the day it was revoked. Revocation: a partner
app whose back office handled the case that issued the certificate."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from onestop.certificates.access import access_certificate_for_app
from onestop.certificates.actions import NOTE_MAX, do_revoke
from onestop.certificates.error_codes import CertificateErrorCode
from onestop.certificates.models import Certificate, RevocationReason
from onestop.certificates.verification import MAX_BYTES, verify_credential
from onestop.core.api import TOKEN_ERRORS, ErrorOut
from onestop.core.apiauth import delegation_of, partner_route
from onestop.core.errors import NotFound
from onestop.identity.access import client_address
from onestop.tenancy.access import access_tenant_by_code

router = Router(tags=["certificates"])
# Open to everyone; a partner app's token, when sent, is checked and counted.
VERIFY = partner_route("certificates:verify", public=True)
# The app's own token: a revocation is the department's act, not a citizen's.
REVOKE = partner_route("certificates:revoke", citizen=False)


class VerificationOut(Schema):
    valid: bool
    reason: str
    message: str
    type: str | None = None
    issuer: str | None = None
    valid_until: str | None = None
    revoked_on: date | None = Field(
        default=None, description="The day the issuer revoked it (reason revoked)."
    )


@router.post(
    "/certificates/verify",
    response={200: VerificationOut, 400: ErrorOut, 413: ErrorOut, 422: ErrorOut, **TOKEN_ERRORS},
    summary="Verify a certificate (post the credential JSON as the body)",
    auth=VERIFY["auth"],
    openapi_extra={
        **VERIFY["openapi_extra"],
        "requestBody": {
            "content": {"application/json": {"schema": {"type": "object"}}},
            "required": True,
        },
    },
)
def verify(request: HttpRequest) -> Any:
    if len(request.body) > MAX_BYTES:
        return HttpResponse(
            json.dumps({"code": "too_large", "message": _("The credential is too large.")}),
            status=413,
            content_type="application/json",
        )
    try:
        credential = json.loads(request.body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = {"code": "invalid_json", "message": _("The request body is not valid JSON.")}
        return HttpResponse(json.dumps(body, ensure_ascii=False), status=400, content_type="application/json")
    verdict = verify_credential(credential)
    subject = verdict.credential.get("credentialSubject", {}) if verdict.credential else {}
    issuer = verdict.credential.get("issuer", {}) if verdict.credential else {}
    return VerificationOut(
        valid=verdict.valid,
        reason=verdict.reason,
        message=verdict.message,
        type=subject.get("certificateType") if isinstance(subject, dict) else None,
        issuer=issuer.get("name") if isinstance(issuer, dict) else None,
        valid_until=verdict.credential.get("validUntil") if verdict.credential else None,
        revoked_on=verdict.revoked_on,
    )


class RevocationIn(Schema):
    reason: str = Field(max_length=64, description=", ".join(RevocationReason.values))
    note: str = Field(
        max_length=NOTE_MAX, description="What happened, in the department's words: the holder reads it."
    )


class CertificateStatusOut(Schema):
    number: str
    type: str
    case: str = Field(description="The number of the case that issued it.")
    issued_at: datetime
    valid_until: datetime | None
    revoked_at: datetime | None
    revocation_reason: str = Field(description="Empty while it is valid.")


def status_out(certificate: Certificate) -> CertificateStatusOut:
    return CertificateStatusOut(
        number=certificate.number,
        type=certificate.certificate_type.code,
        case=certificate.case_number,
        issued_at=certificate.issued_at,
        valid_until=certificate.valid_until,
        revoked_at=certificate.revoked_at,
        revocation_reason=certificate.revocation_reason,
    )


@router.post(
    "/tenants/{tenant}/certificates/{number}/revoke",
    response={
        200: CertificateStatusOut,
        400: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        **TOKEN_ERRORS,
    },
    summary="Revoke a certificate that a case of the app's back office issued",
    description="The holder is told; verifiers see it revoked at once (the issuer's status list). "
    "409 certificate_already_revoked; 422 revocation_reason_invalid, revocation_note_invalid.",
    **REVOKE,
)
def revoke(request: HttpRequest, tenant: str, number: str, payload: RevocationIn) -> Any:
    delegation = delegation_of(request)
    if delegation is None:  # the operation takes app tokens only: never here
        raise NotFound(CertificateErrorCode.CERTIFICATE_NOT_FOUND, _("No such certificate."))
    certificate = access_certificate_for_app(access_tenant_by_code(tenant), delegation.app_client_id, number)
    revoked = do_revoke(
        actor=delegation.actor(client_address(request)),
        certificate=certificate,
        reason=payload.reason,
        note=payload.note,
    )
    return status_out(revoked)
