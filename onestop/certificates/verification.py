"""Verifying a credential: the signature of a known issuer key, the validity period and
the issuer's status list. The answer says why a credential fails and tells nothing beyond
what the credential itself holds, but for the day a revoked one was revoked (the reason
stays with the holder and the department)."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.certificates.models import Certificate, IssuerKey, StatusList
from onestop.certificates.proofs import ProofError, verify, verify_sm2
from onestop.core import databases
from onestop.tenancy.routing import tenant_database

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
MAX_BYTES = 64 * 1024

REASONS = {
    "valid": _("The certificate is valid."),
    "malformed": _("This is not a credential of this platform."),
    "unknown_issuer": _("The issuer's key is not known here."),
    "signature_invalid": _(
        "The certificate was changed after it was signed, or the signature is not the issuer's."
    ),
    "not_yet_valid": _("The certificate is not valid yet."),
    "expired": _("The certificate has expired."),
    "revoked": _("The issuer has revoked the certificate."),
}

# The checks in the order ``verify_credential`` makes them, and the reasons each fails with.
CHECKS = (
    ("issuer", _("The issuer's key is known here"), ("unknown_issuer",)),
    (
        "signature",
        _("The signature is the issuer's and nothing changed since"),
        ("signature_invalid",),
    ),
    ("validity", _("Within its validity period"), ("not_yet_valid", "expired")),
    ("status", _("Not revoked on the issuer's status list"), ("revoked",)),
)


@dataclass(frozen=True, slots=True)
class Check:
    code: str
    label: str
    outcome: str  # passed | failed | not_checked


@dataclass(frozen=True, slots=True)
class Verdict:
    valid: bool
    reason: str
    credential: dict[str, Any] = field(default_factory=dict)
    revoked_on: date | None = None

    @property
    def message(self) -> str:
        return str(REASONS[self.reason])

    @property
    def checks(self) -> list[Check]:
        """Each check with its outcome: verification stops at the first that fails, so
        those before it passed and those after it were not made (none, for a credential
        that is not one of this platform's)."""
        outcomes, outcome = [], "not_checked" if self.reason == "malformed" else "passed"
        for code, label, reasons in CHECKS:
            if outcome == "passed" and self.reason in reasons:
                outcomes.append(Check(code, str(label), "failed"))
                outcome = "not_checked"
            else:
                outcomes.append(Check(code, str(label), outcome))
        return outcomes


def _datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def verify_credential(credential: Any, *, now: datetime | None = None) -> Verdict:
    if not isinstance(credential, dict):
        return Verdict(False, "malformed")
    context, kinds = credential.get("@context"), credential.get("type")
    issuer, proof, status = (
        credential.get("issuer"),
        credential.get("proof"),
        credential.get("credentialStatus"),
    )
    if not (
        isinstance(context, list)
        and context[:1] == [VC_CONTEXT]
        and isinstance(kinds, list)
        and "VerifiableCredential" in kinds
        and isinstance(issuer, dict)
        and isinstance(issuer.get("id"), str)
        and isinstance(credential.get("credentialSubject"), dict)
        and isinstance(proof, dict)
        and isinstance(status, dict)
    ):
        return Verdict(False, "malformed")
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or not method.startswith(issuer["id"] + "#"):
        return Verdict(False, "unknown_issuer")
    # The issuer's keys and status lists live where its tenant lives.
    with tenant_database(issuer_tenant_code(issuer["id"])):
        return _verify_issued(credential, issuer, proof, status, method, now)


def issuer_tenant_code(issuer_id: str) -> str:
    """The tenant of an issuer id (``<public base>/issuers/<tenant>/<department>``)."""
    parts = issuer_id.rstrip("/").split("/")
    return parts[-2] if len(parts) >= 2 and len(parts[-2]) <= 32 else ""


@dataclass(frozen=True, slots=True)
class _Key:
    """What verification needs of an issuer key. A key's public half, tenant and
    department never change, so a process keeps them once read (``_issuer_key``)."""

    tenant_id: int
    tenant_code: str
    department_id: int
    department_code: str
    algorithm: str
    public_key: str
    ed25519: Ed25519PublicKey | None


_KEYS: dict[tuple[str, str, str], _Key] = {}
_KEYS_KEPT = 10_000


def _issuer_key(tenant_code: str, key_id: str) -> _Key | None:
    where = (databases.current(), tenant_code, key_id)
    kept = _KEYS.get(where)
    if kept is not None:
        return kept
    key = (
        IssuerKey.objects.filter(tenant__code=tenant_code, key_id=key_id)
        .select_related("department", "tenant")
        .first()
    )
    if key is None:  # not kept: the key may be made later
        return None
    try:
        ed25519 = (
            None
            if key.algorithm == "SM2"
            else Ed25519PublicKey.from_public_bytes(base64.b64decode(key.public_key))
        )
    except ValueError:
        return None
    if len(_KEYS) >= _KEYS_KEPT:
        _KEYS.clear()
    kept = _KEYS[where] = _Key(
        key.tenant_id,
        key.tenant.code,
        key.department_id,
        key.department.code,
        key.algorithm,
        key.public_key,
        ed25519,
    )
    return kept


def _verify_issued(
    credential: dict[str, Any],
    issuer: dict[str, Any],
    proof: dict[str, Any],
    status: dict[str, Any],
    method: str,
    now: datetime | None,
) -> Verdict:
    key = _issuer_key(issuer_tenant_code(issuer["id"]), method.rsplit("#", 1)[1])
    # The issuer id is the department's address under whatever public address the
    # installation had when it signed (the signature vouches for it); the path names the
    # issuer, and the status list must live under the same address.
    origin = _origin(issuer["id"], f"/issuers/{key.tenant_code}/{key.department_code}") if key else None
    if key is None or origin is None:
        return Verdict(False, "unknown_issuer")
    try:
        if key.ed25519 is None:
            verify_sm2(credential, key.public_key)
        else:
            verify(credential, key.ed25519)
    except (ProofError, ValueError):
        return Verdict(False, "signature_invalid")
    moment = now or timezone.now()
    valid_from, valid_until = _datetime(credential.get("validFrom")), credential.get("validUntil")
    if valid_from is None or (valid_until is not None and _datetime(valid_until) is None):
        return Verdict(False, "malformed")
    if moment < valid_from:
        return Verdict(False, "not_yet_valid")
    until = _datetime(valid_until)
    if until is not None and moment >= until:
        return Verdict(False, "expired", credential)
    if _revoked(status, key, origin):
        # The bit says revoked; the issuer's record says since when (none for a list
        # entry whose certificate is not on record here: still revoked).
        revoked_at = (
            Certificate.objects.filter(tenant_id=key.tenant_id, credential_id=str(credential.get("id", "")))
            .values_list("revoked_at", flat=True)
            .first()
        )
        return Verdict(False, "revoked", credential, timezone.localdate(revoked_at) if revoked_at else None)
    return Verdict(True, "valid", credential)


def _origin(url: str, path: str) -> str | None:
    """The ``scheme://host`` before ``path`` in ``url``, if ``url`` is exactly that."""
    origin = url.removesuffix(path)
    if origin == url or not re.fullmatch(r"https?://[^/?#\s]+", origin):
        return None
    return origin


def _revoked(status: dict[str, Any], key: _Key, origin: str) -> bool:
    """The status entry must point at the issuing department's own list; a missing list
    or index counts as revoked: nothing vouches for the credential then. The list is read
    every time (a revocation counts at once) with one plain statement."""
    url, index = status.get("statusListCredential"), status.get("statusListIndex")
    prefix = f"{origin}/status-lists/{key.tenant_code}/"
    if (
        status.get("type") != "BitstringStatusListEntry"
        or not isinstance(url, str)
        or not url.startswith(prefix)
    ):
        return True
    try:
        list_id, position = int(url.removeprefix(prefix).strip("/")), int(str(index))
    except ValueError:
        return True
    with databases.connection().cursor() as cursor:
        cursor.execute(_STATUS_BITS, [list_id, key.tenant_id, key.department_id])
        row = cursor.fetchone()
    if row is None or not 0 <= position < len(row[0]) * 8:
        return True
    bits = bytes(row[0])
    return bool(bits[position // 8] & (0x80 >> (position % 8)))


_STATUS_BITS = (
    f"SELECT bits FROM {StatusList._meta.db_table} WHERE id = %s AND tenant_id = %s AND department_id = %s"  # noqa: S608 - the model's own table name
)
