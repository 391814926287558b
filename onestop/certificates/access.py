"""Reads of certificates: the holder sees their wallet; nobody else reads a credential.
Staff see the certificates their departments issued or decided, a partner app those its
back office decided; anyone else's certificate answers exactly like a missing one."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from onestop.certificates.error_codes import CertificateErrorCode
from onestop.certificates.models import (
    Certificate,
    CertificateType,
    IssuerKey,
    RevocationReason,
    StatusList,
)
from onestop.certificates.specs import CertificateTypeSpec
from onestop.certificates.verification import verify_credential
from onestop.core.crypto import decrypt
from onestop.core.errors import NotFound
from onestop.core.logging import mask_personal_data
from onestop.identity.idnumber import mask_name
from onestop.identity.kinds import RoleKind
from onestop.identity.permissions import Permission, has_permission, roles_of
from onestop.tenancy.routing import tenant_database

if TYPE_CHECKING:
    from onestop.certificates.verification import Verdict
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant


def wallet_of(tenant: Tenant, user: User) -> QuerySet[Certificate]:
    return (
        Certificate.objects.filter(tenant=tenant, holder=user)
        .select_related("certificate_type")
        .order_by("-issued_at")
    )


def access_certificate(tenant: Tenant, user: User, number: str) -> Certificate:
    certificate = wallet_of(tenant, user).filter(number=number).first()
    if certificate is None:
        raise NotFound(CertificateErrorCode.CERTIFICATE_NOT_FOUND, _("No such certificate."))
    return certificate


def held_certificates(tenant: Tenant, holder: User, credential_ids: Iterable[str]) -> dict[str, Certificate]:
    """The holder's certificates among these credential ids, by id (one query)."""
    wanted = [c for c in credential_ids if c]
    if not wanted:
        return {}
    found = (
        wallet_of(tenant, user=holder)
        .filter(credential_id__in=wanted)
        .select_related("certificate_type__issuer")
    )
    return {c.credential_id: c for c in found}


def access_held_certificate(tenant: Tenant, holder: User, credential_id: str) -> Certificate:
    """A certificate of the holder's wallet by credential id, for whoever may see the case
    it was given for: another holder's or tenant's certificate answers like a missing one."""
    certificate = held_certificates(tenant, holder, [credential_id]).get(credential_id)
    if certificate is None:
        raise NotFound(CertificateErrorCode.CERTIFICATE_NOT_FOUND, _("No such certificate."))
    return certificate


def credential_of(certificate: Certificate) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(decrypt(certificate.credential_encrypted))
    return loaded


def verdict_of(certificate: Certificate) -> Verdict:
    """Whether the certificate verifies now, as any verifier would find: the issuer's key,
    the signature, the validity period and the issuer's status list."""
    return verify_credential(credential_of(certificate))


def usable_for(tenant: Tenant, user: User, certificate_type_code: str) -> list[Certificate]:
    """The holder's valid certificates of a type: what can replace a material's upload."""
    if not certificate_type_code:
        return []
    now = timezone.now()
    return list(
        wallet_of(tenant, user)
        .filter(certificate_type__code=certificate_type_code, revoked_at__isnull=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
    )


def usable_choices(tenant: Tenant, user: User, chosen: Mapping[str, str]) -> dict[int, str]:
    """Of an application's wallet choices (material order -> credential id), those that
    still meet their material: a certificate revoked or expired since it was chosen no
    longer does."""
    if not chosen:
        return {}
    now = timezone.now()
    valid = set(
        Certificate.objects.filter(
            tenant=tenant, holder=user, credential_id__in=list(chosen.values()), revoked_at__isnull=True
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .values_list("credential_id", flat=True)
    )
    return {int(order): credential for order, credential in chosen.items() if credential in valid}


def revocation_reason_label(code: str) -> str:
    """A revocation reason in words, in the active language."""
    return str(RevocationReason(code).label) if code in RevocationReason.values else code


# --- staff and partner apps -----------------------------------------------------------------


def _staff_scope(tenant: Tenant, staff: User) -> Q | None:
    """The certificates a member of staff may see: those their departments issued (the
    issuer signs them) or decided (the case that issued them), or the whole tenant's for
    platform operators; None when they may see none."""
    scope = Q(pk__in=[])
    found = False
    for role in roles_of(staff):
        if role.kind == RoleKind.PLATFORM_OPERATOR:
            return Q()
        if (
            role.tenant_id == tenant.id
            and role.department_id
            and role.kind in (RoleKind.OFFICER, RoleKind.DEPARTMENT_HEAD)
        ):
            scope |= Q(certificate_type__issuer_id=role.department_id)
            scope |= Q(decided_by_id=role.department_id)
            found = True
    return scope if found else None


def certificates_for_staff(tenant: Tenant, staff: User) -> QuerySet[Certificate]:
    scope = _staff_scope(tenant, staff)
    certificates = Certificate.objects.filter(tenant=tenant).select_related(
        "certificate_type", "certificate_type__issuer", "decided_by", "holder"
    )
    if scope is None:
        return certificates.none()
    return certificates.filter(scope).order_by("-issued_at")


def access_certificate_for_staff(tenant: Tenant, staff: User, number: str) -> Certificate:
    certificate = certificates_for_staff(tenant, staff).filter(number=number.strip()).first()
    if certificate is None:
        raise NotFound(CertificateErrorCode.CERTIFICATE_NOT_FOUND, _("No such certificate."))
    return certificate


def certificates_of_case(tenant: Tenant, staff: User, case_number: str) -> list[Certificate]:
    """What a case issued, as far as the member of staff may see it."""
    if not case_number:
        return []
    return list(certificates_for_staff(tenant, staff).filter(case_number=case_number))


def may_revoke(staff: User, tenant: Tenant, certificate: Certificate) -> bool:
    """A head of the department that issued it or decided the case that issued it."""
    departments = [certificate.certificate_type.issuer, certificate.decided_by]
    return any(
        has_permission(staff, Permission.REVOKE_CERTIFICATES, tenant=tenant, department=department)
        for department in departments
        if department is not None
    )


def access_certificate_for_app(tenant: Tenant, app_client_id: str, number: str) -> Certificate:
    """A certificate issued by a case the app's back office handled (the app keeps its
    cases, and what they issued)."""
    certificate = (
        Certificate.objects.filter(tenant=tenant, handled_by_app=app_client_id, number=number)
        .exclude(handled_by_app="")
        .select_related("certificate_type")
        .first()
    )
    if certificate is None:
        raise NotFound(CertificateErrorCode.CERTIFICATE_NOT_FOUND, _("No such certificate."))
    return certificate


def access_certificate_for_operator(tenant: Tenant, number: str) -> Certificate:
    """Any certificate of the tenant, by number: for the operator's command line."""
    certificate = Certificate.objects.filter(tenant=tenant, number=number).first()
    if certificate is None:
        raise NotFound(CertificateErrorCode.CERTIFICATE_NOT_FOUND, _("No such certificate."))
    return certificate


def certificate_types_of(tenant: Tenant) -> QuerySet[CertificateType]:
    return CertificateType.objects.filter(tenant=tenant).select_related("issuer")


def labelled_subject(credential: dict[str, Any], *, masked: bool = False) -> list[tuple[str, Any]]:
    """The credential's fields under their titles in the active language, as its type
    defines them; fields the type does not know keep their names. ``masked`` shows them as
    staff see personal data: the holder's name masked, and any ID or mobile number."""
    subject = credential.get("credentialSubject")
    issuer = credential.get("issuer")
    if not isinstance(subject, dict):
        return []
    issuer_id = str(issuer.get("id", "")) if isinstance(issuer, dict) else ""
    tenant_code = issuer_id.rstrip("/").split("/")[-2] if issuer_id.count("/") >= 2 else ""
    with tenant_database(tenant_code):
        kind = CertificateType.objects.filter(
            tenant__code=tenant_code, code=subject.get("certificateType")
        ).first()
    english = (get_language() or "").startswith("en")
    titles: dict[str, str] = {}
    sources: dict[str, str] = {}
    for spec in kind.fields if kind else []:
        titles[spec["key"]] = str(
            spec.get("title_en") if english and spec.get("title_en") else spec.get("title", spec["key"])
        )
        sources[spec["key"]] = str(spec.get("source", ""))
    return [
        (titles.get(key, str(key)), _masked(value, sources.get(key, "")) if masked else value)
        for key, value in subject.items()
        if key != "certificateType"
    ]


def _masked(value: Any, source: str) -> Any:
    if not isinstance(value, str):
        return value
    if source == "holder.name":
        return mask_name(value)
    return mask_personal_data(value)


def issuer_keys(tenant_code: str, department_code: str) -> QuerySet[IssuerKey]:
    """An issuer's keys, retired ones too: what its public key document lists."""
    return (
        IssuerKey.objects.filter(tenant__code=tenant_code, department__code=department_code)
        .select_related("department")
        .order_by("id")
    )


def access_status_list(tenant_code: str, list_id: int) -> StatusList:
    found = (
        StatusList.objects.filter(tenant__code=tenant_code, pk=list_id)
        .select_related("tenant", "department")
        .first()
    )
    if found is None:
        raise NotFound(CertificateErrorCode.CERTIFICATE_NOT_FOUND, _("No such certificate."))
    return found


def certificate_type_specs(tenant: Tenant) -> list[CertificateTypeSpec]:
    """The tenant's certificate types as their definition takes them (a template's)."""
    return [
        CertificateTypeSpec(
            code=t.code,
            name=t.name,
            issuer_code=t.issuer.code,
            name_en=t.name_en,
            validity_days=t.validity_days,
            item_codes=tuple(t.item_codes),
            fields=tuple(t.fields),
        )
        for t in CertificateType.objects.filter(tenant=tenant).select_related("issuer").order_by("code")
    ]


def certificate_types_by_item(tenant: Tenant) -> dict[str, CertificateType]:
    """The type an approval of each item issues (a tenant has a handful of types; the
    first that names an item is its)."""
    types: dict[str, CertificateType] = {}
    for kind in CertificateType.objects.filter(tenant=tenant).select_related("tenant", "issuer"):
        for item_code in kind.item_codes:
            types.setdefault(item_code, kind)
    return types


def certificate_type_for_item(tenant: Tenant, item_code: str) -> CertificateType | None:
    """The type an approval of the item issues."""
    return certificate_types_by_item(tenant).get(item_code)
