"""Signing with a department's issuer key, and what is signed at read time: the status
list a verifier fetches. Reads only: keys are made and rotated by actions."""

from __future__ import annotations

import base64
import gzip
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.certificates import sm2
from onestop.certificates.error_codes import CertificateErrorCode
from onestop.certificates.models import IssuerKey, SigningPolicy
from onestop.certificates.proofs import CRYPTOSUITE, SM2_CRYPTOSUITE, sign_with
from onestop.certificates.verification import VC_CONTEXT
from onestop.core.crypto import decrypt
from onestop.core.errors import OnestopError
from onestop.core.public_url import public_base

if TYPE_CHECKING:
    from onestop.certificates.models import StatusList
    from onestop.tenancy.models import Tenant


ALGORITHMS = ("Ed25519", "SM2")


def signing_algorithm(tenant: Tenant) -> str:
    policy = SigningPolicy.objects.filter(tenant=tenant).first()
    return policy.algorithm if policy else "Ed25519"


def sign_as(key: IssuerKey, document: dict[str, Any], issuer_id: str, *, created: str) -> dict[str, Any]:
    """Sign with the key under its algorithm's cryptosuite."""
    cryptosuite = SM2_CRYPTOSUITE if key.algorithm == "SM2" else CRYPTOSUITE
    return sign_with(
        document,
        signer=signer_for(key),
        cryptosuite=cryptosuite,
        verification_method=f"{issuer_id}#{key.key_id}",
        created=created,
    )


def signer_for(key: IssuerKey) -> Callable[[bytes], bytes]:
    secret = decrypt(key.private_key_encrypted)
    if key.algorithm == "SM2":
        return lambda data: sm2.sign(data, secret, key.public_key)
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(secret)).sign


def status_list_credential(status_list: StatusList) -> dict[str, Any]:
    """The department's status list as a signed BitstringStatusListCredential (the list
    gzip-compressed, multibase base64url), for verifiers outside the platform."""
    tenant, department = status_list.tenant, status_list.department
    issuer_id = f"{public_base()}/issuers/{tenant.code}/{department.code}"
    now = timezone.now().replace(microsecond=0).isoformat().replace("+00:00", "Z")
    encoded = base64.urlsafe_b64encode(gzip.compress(bytes(status_list.bits), mtime=0)).decode().rstrip("=")
    credential = {
        "@context": [VC_CONTEXT],
        "id": f"{public_base()}/status-lists/{tenant.code}/{status_list.pk}",
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": {"id": issuer_id, "name": department.name},
        "validFrom": now,
        "credentialSubject": {
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": "u" + encoded,
        },
    }
    # The key that signed the list's certificates is there already: a read never makes one.
    keys = (
        IssuerKey.objects.filter(tenant=tenant, department=department, retired_at__isnull=True)
        .exclude(private_key_encrypted="")
        .order_by("-id")
    )
    key = keys.filter(algorithm=signing_algorithm(tenant)).first() or keys.first()
    if key is None:
        raise OnestopError(CertificateErrorCode.CERTIFICATE_NOT_FOUND, _("No such certificate."))
    return sign_as(key, credential, issuer_id, created=now)
