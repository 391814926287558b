"""Certificate verification in the public API: anyone may ask; nothing beyond what the
credential itself holds is told, but for the day a revoked one was revoked."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from onestop.certificates.verification import MAX_BYTES, verify_credential
from onestop.core.api import TOKEN_ERRORS, ErrorOut
from onestop.core.apiauth import partner_route

router = Router(tags=["certificates"])
# Open to everyone; a partner app's token, when sent, is checked and counted.
VERIFY = partner_route("certificates:verify", public=True)


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
        return HttpResponse(json.dumps({"code": "too_large", "message": _("The credential is too large.")}),
                            status=413, content_type="application/json")  # fmt: skip
    try:
        credential = json.loads(request.body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = {"code": "invalid_json", "message": _("The request body is not valid JSON.")}
        return HttpResponse(
            json.dumps(body, ensure_ascii=False), status=400, content_type="application/json"
        )
    verdict = verify_credential(credential)
    subject = verdict.credential.get("credentialSubject", {}) if verdict.credential else {}
    issuer = verdict.credential.get("issuer", {}) if verdict.credential else {}
    return VerificationOut(valid=verdict.valid, reason=verdict.reason, message=verdict.message,
                           type=subject.get("certificateType") if isinstance(subject, dict) else None,
                           issuer=issuer.get("name") if isinstance(issuer, dict) else None,
                           valid_until=verdict.credential.get("validUntil") if verdict.credential else None,
                           revoked_on=verdict.revoked_on)  # fmt: skip
