"""Every write of certificates: types, issuer keys and their rotation, issuance at the end
of a case or by import from a registry, revocation."""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.certificates import events, sm2
from onestop.certificates.audit import CertificatesAudit
from onestop.certificates.error_codes import CertificateErrorCode
from onestop.certificates.models import (
    STATUS_LIST_BITS,
    Certificate,
    CertificateType,
    IssuerKey,
    RevocationReason,
    SigningPolicy,
    StatusList,
)
from onestop.certificates.signing import ALGORITHMS, sign_as, signing_algorithm
from onestop.certificates.verification import VC_CONTEXT
from onestop.core import databases, stamps
from onestop.core.audit import Event, record_action
from onestop.core.crypto import decrypt, encrypt
from onestop.core.errors import Conflict, ValidationFailed
from onestop.core.public_url import public_base
from onestop.tenancy.models import Department

if TYPE_CHECKING:
    from onestop.certificates.specs import CertificateTypeSpec
    from onestop.core.actors import Actor
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant


def do_define_certificate_types(*, actor: Actor, tenant: Tenant, types: Sequence[CertificateTypeSpec]) -> int:
    with databases.action():
        return define_certificate_types(actor=actor, tenant=tenant, types=types)


def define_certificate_types(*, actor: Actor, tenant: Tenant, types: Sequence[CertificateTypeSpec]) -> int:
    """The step itself, in the caller's transaction."""
    departments = {d.code: d for d in Department.objects.filter(tenant=tenant)}
    for spec in types:
        if spec.issuer_code not in departments:
            raise ValidationFailed(
                CertificateErrorCode.TYPE_UNKNOWN, _("Unknown department."), field="issuer"
            )
    for spec in types:
        CertificateType.objects.update_or_create(
            tenant=tenant,
            code=spec.code,
            defaults={
                "name": spec.name,
                "name_en": spec.name_en,
                "issuer": departments[spec.issuer_code],
                "validity_days": spec.validity_days,
                "item_codes": list(spec.item_codes),
                "fields": list(spec.fields),
            },
        )
    record_action(
        actor=actor,
        action=CertificatesAudit.DEFINE_TYPES,
        tenant_code=tenant.code,
        object_type="certificate_type",
        detail={"count": len(types)},
    )
    return len(types)


def do_set_signing_algorithm(*, actor: Actor, tenant: Tenant, algorithm: str) -> None:
    """Ed25519 (the default) or SM2 with SM3 for the tenant's new certificates; earlier
    certificates keep verifying with the keys that signed them."""
    if algorithm not in ALGORITHMS:
        raise ValidationFailed(
            CertificateErrorCode.CREDENTIAL_INVALID, _("Choose Ed25519 or SM2."), field="algorithm"
        )
    with databases.action():
        SigningPolicy.objects.update_or_create(tenant=tenant, defaults={"algorithm": algorithm})
        record_action(
            actor=actor,
            action=CertificatesAudit.SET_SIGNING_ALGORITHM,
            tenant_code=tenant.code,
            object_type="tenant",
            object_id=tenant.code,
            detail={"algorithm": algorithm},
        )


def _new_key(tenant: Tenant, department: Department) -> IssuerKey:
    if signing_algorithm(tenant) == "SM2":
        private_hex, public_hex = sm2.generate()
        return IssuerKey.objects.create(
            tenant=tenant,
            department=department,
            key_id=secrets.token_hex(8),
            algorithm="SM2",
            public_key=public_hex,
            private_key_encrypted=encrypt(private_hex),
        )
    private = Ed25519PrivateKey.generate()
    raw_private = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    raw_public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return IssuerKey.objects.create(
        tenant=tenant,
        department=department,
        key_id=secrets.token_hex(8),
        public_key=base64.b64encode(raw_public).decode(),
        private_key_encrypted=encrypt(base64.b64encode(raw_private).decode()),
    )


def _active_key(tenant: Tenant, department: Department) -> IssuerKey:
    key = (
        IssuerKey.objects.filter(
            tenant=tenant, department=department, retired_at__isnull=True, algorithm=signing_algorithm(tenant)
        )
        .exclude(private_key_encrypted="")
        .order_by("-id")
        .first()
    )
    return key or _new_key(tenant, department)


def do_rotate_issuer_key(*, actor: Actor, tenant: Tenant, department: Department) -> IssuerKey:
    """A new signing key for the department; earlier certificates keep verifying."""
    with databases.action():
        IssuerKey.objects.filter(tenant=tenant, department=department, retired_at__isnull=True).update(
            retired_at=timezone.now()
        )
        key = _new_key(tenant, department)
        record_action(
            actor=actor,
            action=CertificatesAudit.ROTATE_KEY,
            tenant_code=tenant.code,
            object_type="issuer_key",
            object_id=key.key_id,
            detail={"department": department.code},
        )
    return key


def do_import_issuer_key(
    *, actor: Actor, tenant: Tenant, department: Department, sm2_public_pem: str
) -> IssuerKey:
    """Register an SM2 public key whose private key the department keeps elsewhere (an
    HSM): credentials it signs there verify here."""
    try:
        public_hex = sm2.public_from_pem(sm2_public_pem)
    except (sm2.Sm2Error, ValueError):
        raise ValidationFailed(
            CertificateErrorCode.CREDENTIAL_INVALID, _("Not an SM2 public key."), field="pem"
        ) from None
    with databases.action():
        key = IssuerKey.objects.create(
            tenant=tenant,
            department=department,
            key_id=secrets.token_hex(8),
            algorithm="SM2",
            public_key=public_hex,
        )
        record_action(
            actor=actor,
            action=CertificatesAudit.IMPORT_KEY,
            tenant_code=tenant.code,
            object_type="issuer_key",
            object_id=key.key_id,
            detail={"department": department.code},
        )
    return key


def _allocate_index(tenant: Tenant, department: Department) -> tuple[StatusList, int]:
    status_list = (
        StatusList.objects.select_for_update()
        .filter(tenant=tenant, department=department)
        .order_by("-id")
        .first()
    )
    if status_list is None or status_list.next_index >= STATUS_LIST_BITS:
        status_list = StatusList.objects.create(
            tenant=tenant, department=department, bits=bytes(STATUS_LIST_BITS // 8)
        )
    index = status_list.next_index
    status_list.next_index = index + 1
    status_list.save(update_fields=["next_index"])
    return status_list, index


def _subject_fields(
    kind: CertificateType, holder: User, answers: dict[str, Any], number: str
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for spec in kind.fields:
        source = spec.get("source", "")
        if source == "holder.name":
            values[spec["key"]] = decrypt(holder.real_name_encrypted) if holder.real_name_encrypted else ""
        elif source == "holder.id_number_masked":
            values[spec["key"]] = holder.id_number_masked
        elif source == "number":
            values[spec["key"]] = number
        elif source.startswith("case."):
            values[spec["key"]] = answers.get(source.removeprefix("case."), "")
    return values


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def issue_certificate(
    *,
    actor: Actor,
    kind: CertificateType,
    holder: User,
    answers: dict[str, Any],
    case_number: str,
    decided_by: Department | None,
    handled_by_app: str = "",
    issued_at: datetime | None = None,
) -> Certificate:
    """Sign a certificate into the holder's wallet: a step of the actions that issue one
    (``do_issue_certificate``, a case's conclusion, an import), in their transaction."""
    tenant, department = kind.tenant, kind.issuer
    key = _active_key(tenant, department)
    status_list, index = _allocate_index(tenant, department)
    signed_at = timezone.now().replace(microsecond=0)
    issued = issued_at.replace(microsecond=0) if issued_at is not None else signed_at
    initials = "".join(word[0] for word in kind.code.split("_") if word).upper()  # id_card: IC
    number = f"{initials}-{issued:%Y%m%d}-{secrets.token_hex(3).upper()}"
    issuer_id = f"{public_base()}/issuers/{tenant.code}/{department.code}"
    credential: dict[str, Any] = {
        "@context": [VC_CONTEXT],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "OnestopCertificate"],
        "issuer": {"id": issuer_id, "name": department.name},
        "name": kind.name,
        "validFrom": _stamp(issued),
        "credentialSubject": {
            "certificateType": kind.code,
            **_subject_fields(kind, holder, answers, number),
        },
        "credentialStatus": {
            "id": f"{public_base()}/status-lists/{tenant.code}/{status_list.pk}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": f"{public_base()}/status-lists/{tenant.code}/{status_list.pk}",
        },
    }
    valid_until = issued + timedelta(days=kind.validity_days) if kind.validity_days else None
    if valid_until is not None:
        credential["validUntil"] = _stamp(valid_until)
    # The proof says when it was made, even for a certificate valid from an earlier day.
    signed = sign_as(key, credential, issuer_id, created=_stamp(signed_at))
    certificate = Certificate.objects.create(
        tenant=tenant,
        credential_id=credential["id"],
        number=number,
        certificate_type=kind,
        holder=holder,
        case_number=case_number,
        decided_by=decided_by,
        handled_by_app=handled_by_app,
        credential_encrypted=encrypt(json.dumps(signed, ensure_ascii=False)),
        status_list=status_list,
        status_index=index,
        issued_at=issued,
        valid_until=valid_until,
    )
    stamps.touch(holder.pk)  # their wallet shows it
    record_action(
        actor=actor,
        action=CertificatesAudit.ISSUE,
        tenant_code=tenant.code,
        object_type="certificate",
        object_id=number,
        detail={"type": kind.code, "case": case_number},
        events=[
            Event(
                events.CERTIFICATE_ISSUED,
                {"tenant": tenant.code, "number": number, "type": kind.code, "holder": holder.pk},
            )
        ],
    )
    return certificate


def do_issue_certificate(
    *,
    actor: Actor,
    kind: CertificateType,
    holder: User,
    answers: dict[str, Any],
    case_number: str,
    decided_by: Department,
    handled_by_app: str = "",
    issued_at: datetime | None = None,
) -> Certificate:
    """Issue a certificate into the holder's wallet: the last step of an approved case
    that ``decided_by`` decided (in the back office of ``handled_by_app``, if any).
    ``issued_at`` is for a case imported from history: its certificate was issued when it
    concluded, and is valid from then on; the proof still says when it was signed."""
    with databases.action():
        return issue_certificate(
            actor=actor,
            kind=kind,
            holder=holder,
            answers=answers,
            case_number=case_number,
            decided_by=decided_by,
            handled_by_app=handled_by_app,
            issued_at=issued_at,
        )


def do_import_certificate(
    *, actor: Actor, kind: CertificateType, holder: User, answers: dict[str, Any]
) -> Certificate:
    """A certificate the department's registry already holds, issued into the wallet."""
    with databases.action():
        return issue_certificate(
            actor=actor, kind=kind, holder=holder, answers=answers, case_number="", decided_by=None
        )


NOTE_MAX = 500


def do_revoke(*, actor: Actor, certificate: Certificate, reason: str, note: str) -> Certificate:
    """Revoke a certificate: its bit in the issuer's status list is set (what every
    verifier reads), the holder is told, and it no longer meets a material. ``reason`` is a
    ``RevocationReason``; ``note`` says in the department's words what happened."""
    if reason not in RevocationReason.values:
        raise ValidationFailed(
            CertificateErrorCode.REVOCATION_REASON_INVALID,
            _("Choose one of the reasons for revoking."),
            field="reason",
        )
    note = note.strip()
    if not note or len(note) > NOTE_MAX:
        raise ValidationFailed(
            CertificateErrorCode.REVOCATION_NOTE_INVALID,
            _("Explain the revocation in at most %(limit)s characters.") % {"limit": NOTE_MAX},
            field="note",
        )
    with databases.action():
        locked = (
            Certificate.objects.of(certificate.tenant_id)
            .select_for_update()
            .select_related("tenant", "certificate_type")
            .get(pk=certificate.pk)
        )
        if locked.revoked_at is not None:
            raise Conflict(CertificateErrorCode.ALREADY_REVOKED, _("The certificate is revoked already."))
        status_list = (
            StatusList.objects.of(locked.tenant_id).select_for_update().get(pk=locked.status_list_id)
        )
        bits = bytearray(bytes(status_list.bits))
        bits[locked.status_index // 8] |= 0x80 >> (locked.status_index % 8)
        status_list.bits = bytes(bits)
        status_list.save(update_fields=["bits"])
        locked.revoked_at = timezone.now()
        locked.revocation_reason, locked.revocation_note = reason, note
        locked.save(update_fields=["revoked_at", "revocation_reason", "revocation_note"])
        stamps.touch(locked.holder_id)  # their wallet shows it revoked
        kind = locked.certificate_type
        record_action(
            actor=actor,
            action=CertificatesAudit.REVOKE,
            tenant_code=locked.tenant.code,
            object_type="certificate",
            object_id=locked.number,
            detail={"reason": reason, "note": note},
            events=[
                Event(
                    events.CERTIFICATE_REVOKED,
                    {
                        "tenant": locked.tenant.code,
                        "number": locked.number,
                        "type": kind.code,
                        "type_name": kind.name,
                        "type_name_en": kind.name_en,
                        "holder": locked.holder_id,
                        "reason": reason,
                        "revoked_at": locked.revoked_at.isoformat(),
                    },
                )
            ],
        )
    return locked
