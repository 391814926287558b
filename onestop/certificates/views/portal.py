"""The wallet, a certificate's QR code, and the public verification page."""

from __future__ import annotations

import base64
import json
import zlib
from typing import TYPE_CHECKING, Any

import segno
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe

from onestop.certificates import sm2
from onestop.certificates.access import (
    access_certificate,
    access_status_list,
    credential_of,
    issuer_keys,
    labelled_subject,
    revocation_reason_label,
    wallet_of,
)
from onestop.certificates.signing import status_list_credential
from onestop.certificates.verification import MAX_BYTES, verify_credential
from onestop.core.pagecache import shared_page
from onestop.core.public_url import public_base
from onestop.identity.pages import citizen_required, own_page_generation

if TYPE_CHECKING:
    from onestop.certificates.models import IssuerKey
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant


def pack(credential: dict[str, Any]) -> str:
    """A credential made short enough for a QR code: compressed, base64url."""
    raw = json.dumps(credential, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def unpack(text: str) -> Any:
    padded = text + "=" * (-len(text) % 4)
    data = zlib.decompressobj().decompress(base64.urlsafe_b64decode(padded.encode()), MAX_BYTES)
    return json.loads(data)


@shared_page(own_page_generation("wallet"))  # kept until a certificate of theirs is issued or revoked
@citizen_required
def wallet(request: HttpRequest, tenant: Tenant, user: User) -> HttpResponse:
    return render(
        request,
        "certificates/wallet.html",
        {"tenant": tenant, "certificates": wallet_of(tenant, user), "nav": "me"},
    )


@citizen_required
def certificate(request: HttpRequest, tenant: Tenant, user: User, number: str) -> HttpResponse:
    held = access_certificate(tenant, user, number)
    credential = credential_of(held)
    link = f"{public_base()}{reverse('certificates:verify')}?c={pack(credential)}"
    qr = segno.make(link, error="m")
    context = {
        "tenant": tenant,
        "certificate": held,
        "fields": labelled_subject(credential),
        "qr": mark_safe(qr.svg_inline(scale=4, title=held.number)),  # noqa: S308 - segno's own SVG
        "verdict": verify_credential(credential),
        "verify_link": link,
        "credential_json": json.dumps(credential, ensure_ascii=False, indent=2),
        "reason": revocation_reason_label(held.revocation_reason),
        "nav": "me",
    }
    response = render(request, "certificates/certificate.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def verify_page(request: HttpRequest) -> HttpResponse:
    """Anyone verifies: from a scanned QR (?c=...) or a pasted credential."""
    verdict, error = None, ""
    raw: Any = None
    if request.GET.get("c"):
        try:
            raw = unpack(request.GET["c"][:20000])
        except (ValueError, zlib.error, json.JSONDecodeError):
            error = "unreadable"
    elif request.method == "POST":
        text = request.POST.get("credential", "")
        if len(text.encode()) > MAX_BYTES:
            error = "too_large"
        else:
            try:
                raw = json.loads(text)
            except json.JSONDecodeError:
                error = "unreadable"
    if raw is not None:
        verdict = verify_credential(raw)
    # Valid or not, a verification answered is a success; only unreadable input is not.
    status = 400 if error else 200
    fields = labelled_subject(verdict.credential) if verdict and verdict.credential else []
    context = {"verdict": verdict, "error": error, "fields": fields}
    return render(request, "certificates/verify.html", context, status=status)


def issuer(request: HttpRequest, tenant: str, department: str) -> JsonResponse:
    """An issuer's public keys, so that anyone can check its signatures (PEM for OpenSSL)."""
    keys = list(issuer_keys(tenant, department))
    if not keys:
        raise Http404
    first = keys[0]
    issuer_id = f"{public_base()}/issuers/{tenant}/{department}"
    body = {
        "id": issuer_id,
        "name": first.department.name,
        "verificationMethod": [
            {
                "id": f"{issuer_id}#{key.key_id}",
                "type": key.algorithm,
                "publicKeyPem": _pem(key),
                "retired": key.retired_at is not None,
            }
            for key in keys
        ],
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def _pem(key: IssuerKey) -> str:
    if key.algorithm == "SM2":
        return sm2.public_pem(key.public_key)
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key.public_key))
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def status_list(request: HttpRequest, tenant: str, list_id: int) -> JsonResponse:
    found = access_status_list(tenant, list_id)
    return JsonResponse(status_list_credential(found), json_dumps_params={"ensure_ascii": False})
