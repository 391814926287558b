"""For the revocation tests: a certificate of another tenant, imported from its registry
as in production; staff with the roles a test needs; the bit an outside verifier reads in
the published status list."""

from __future__ import annotations

import base64
import gzip
from typing import Any

from django.test import Client

from onestop.certificates.models import Certificate, CertificateType, IssuerKey
from onestop.certificates.proofs import verify
from onestop.core.actors import Actor
from onestop.identity.actions import AccountSpec, ResidentSpec, do_provision_account
from onestop.identity.tests.helpers import login
from onestop.tenancy.access import access_tenant_by_code

SYSTEM = Actor.system("test")
STAFF_PASSWORD = "Staff-Test-2026"


def staff(phone: str, role: str, department: str, *, tenant: str = "gd") -> Client:
    """A staff account with one role, logged in (English pages)."""
    do_provision_account(
        actor=SYSTEM,
        tenant=access_tenant_by_code(tenant),
        spec=AccountSpec(
            phone=phone,
            password=STAFF_PASSWORD,
            kind="staff",
            display_name=f"{role} {department}",
            roles=((role, department),),
        ),
    )
    client = Client(headers={"accept-language": "en"})
    assert login(client, phone, STAFF_PASSWORD, tenant=tenant).status_code == 302
    return client


def other_tenant_certificate() -> Certificate:
    """A certificate of tenant xq, from its registry."""
    from datetime import date

    from onestop.certificates.actions import do_define_certificate_types, do_import_certificate
    from onestop.identity.idnumber import make_id_number
    from onestop_dev.demo.certificates import build_certificate_types
    from onestop_dev.demo.generator import build_province
    from onestop_dev.testing import OTHER_TENANT

    tenant = access_tenant_by_code(OTHER_TENANT)
    do_define_certificate_types(
        actor=SYSTEM, tenant=tenant, types=build_certificate_types(build_province().items)
    )
    holder = do_provision_account(
        actor=SYSTEM,
        tenant=tenant,
        spec=AccountSpec(
            phone="13612348888",
            password=None,
            identity=ResidentSpec("李测试", make_id_number("440106", date(1991, 2, 3), 13)),
        ),
    )
    kind = CertificateType.objects.get(tenant=tenant, code="id_card")
    return do_import_certificate(actor=SYSTEM, kind=kind, holder=holder, answers={})


def published_bit(client: Client, credential: dict[str, Any]) -> int:
    """The credential's bit in its issuer's status list as published (and signed) for
    verifiers outside the platform."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    status = credential["credentialStatus"]
    url = status["statusListCredential"].removeprefix("http://127.0.0.1:8000")
    published = client.get(url).json()
    key = IssuerKey.objects.get(key_id=published["proof"]["verificationMethod"].rsplit("#", 1)[1])
    verify(published, Ed25519PublicKey.from_public_bytes(base64.b64decode(key.public_key)))
    encoded = published["credentialSubject"]["encodedList"][1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    index = int(status["statusListIndex"])
    return (bits[index // 8] >> (7 - index % 8)) & 1
