"""SM2 with SM3 as a tenant's signature algorithm, interoperable with OpenSSL 3 both ways:
onestop's signatures verify with the openssl command, and signatures OpenSSL makes verify
in onestop."""

from __future__ import annotations

import base64
import gzip
import json
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client

from onestop.certificates import sm2
from onestop.certificates.access import credential_of
from onestop.certificates.actions import (
    do_define_certificate_types,
    do_import_certificate,
    do_import_issuer_key,
    do_revoke,
    do_set_signing_algorithm,
)
from onestop.certificates.models import CertificateType, IssuerKey
from onestop.certificates.proofs import (
    SM2_CRYPTOSUITE,
    b58decode,
    b58encode,
    hash_data,
    proof_config,
    verify_sm2,
)
from onestop.certificates.verification import verify_credential
from onestop.core.actors import Actor
from onestop.identity.actions import AccountSpec, ResidentSpec, do_provision_account
from onestop.identity.idnumber import make_id_number
from onestop.tenancy.access import access_department_by_code, access_tenant_by_code
from onestop_dev.demo.certificates import build_certificate_types
from onestop_dev.testing import OTHER_TENANT

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")
DISTID = "distid:1234567812345678"


@pytest.fixture
def sm2_certificate():  # type: ignore[no-untyped-def]
    """A certificate of tenant xq, whose policy is SM2."""
    from datetime import date

    from onestop_dev.demo.generator import build_province

    tenant = access_tenant_by_code(OTHER_TENANT)
    do_set_signing_algorithm(actor=ACTOR, tenant=tenant, algorithm="SM2")
    do_define_certificate_types(
        actor=ACTOR, tenant=tenant, types=build_certificate_types(build_province().items)
    )
    holder = do_provision_account(
        actor=ACTOR,
        tenant=tenant,
        spec=AccountSpec(
            phone="13612349999",
            password=None,
            identity=ResidentSpec("王测试", make_id_number("440106", date(1990, 1, 1), 11)),
        ),
    )
    kind = CertificateType.objects.get(tenant=tenant, code="id_card")
    return do_import_certificate(actor=ACTOR, kind=kind, holder=holder, answers={})


def _openssl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["openssl", *args], capture_output=True, text=True, check=False)


def test_an_sm2_certificate_verifies_here_and_with_openssl(
    sm2_certificate, tmp_path: Path, client: Client
) -> None:  # type: ignore[no-untyped-def]
    credential = credential_of(sm2_certificate)
    assert credential["proof"]["cryptosuite"] == SM2_CRYPTOSUITE
    assert verify_credential(credential).valid
    # The issuer publishes its key as PEM; OpenSSL checks the signature over the signed bytes.
    issuer = client.get(urlsplit(credential["issuer"]["id"]).path).json()
    method = next(
        m
        for m in issuer["verificationMethod"]
        # The same key; the address before the fragment is the one being served.
        if m["id"].rsplit("#", 1)[1] == credential["proof"]["verificationMethod"].rsplit("#", 1)[1]
    )
    assert method["type"] == "SM2" and "PRIVATE" not in json.dumps(issuer)
    (tmp_path / "issuer.pem").write_text(method["publicKeyPem"])
    (tmp_path / "signed").write_bytes(hash_data(credential, proof_config(credential)))
    signature = b58decode(credential["proof"]["proofValue"][1:])
    (tmp_path / "signature.der").write_bytes(sm2.to_der(signature))
    result = _openssl(
        "dgst",
        "-sm3",
        "-verify",
        str(tmp_path / "issuer.pem"),
        "-sigopt",
        DISTID,
        "-signature",
        str(tmp_path / "signature.der"),
        str(tmp_path / "signed"),
    )
    assert result.returncode == 0 and "Verified OK" in result.stdout, result.stderr
    # A changed credential fails here and with OpenSSL alike.
    tampered = {**credential, "name": "伪造"}
    assert verify_credential(tampered).reason == "signature_invalid"
    (tmp_path / "signed").write_bytes(hash_data(tampered, proof_config(tampered)))
    refused = _openssl(
        "dgst",
        "-sm3",
        "-verify",
        str(tmp_path / "issuer.pem"),
        "-sigopt",
        DISTID,
        "-signature",
        str(tmp_path / "signature.der"),
        str(tmp_path / "signed"),
    )
    assert refused.returncode != 0


def test_a_credential_signed_by_openssl_verifies_here(sm2_certificate, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A department signing in its own HSM with OpenSSL: its public key is imported."""
    assert _openssl("genpkey", "-algorithm", "sm2", "-out", str(tmp_path / "hsm.pem")).returncode == 0
    public = _openssl("pkey", "-in", str(tmp_path / "hsm.pem"), "-pubout").stdout
    tenant = sm2_certificate.tenant
    department = access_department_by_code(tenant, sm2_certificate.certificate_type.issuer.code)
    key = do_import_issuer_key(actor=ACTOR, tenant=tenant, department=department, sm2_public_pem=public)
    credential = credential_of(sm2_certificate)
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    proof = {
        **credential["proof"],
        "verificationMethod": credential["proof"]["verificationMethod"].rsplit("#", 1)[0] + "#" + key.key_id,
    }
    proof.pop("proofValue")
    document = {**unsigned, "proof": proof}
    (tmp_path / "signed").write_bytes(hash_data(document, proof_config(document)))
    signed = _openssl(
        "dgst",
        "-sm3",
        "-sign",
        str(tmp_path / "hsm.pem"),
        "-sigopt",
        DISTID,
        "-out",
        str(tmp_path / "sig.der"),
        str(tmp_path / "signed"),
    )
    assert signed.returncode == 0, signed.stderr
    raw = sm2.from_der((tmp_path / "sig.der").read_bytes())
    document["proof"]["proofValue"] = "z" + b58encode(raw)
    assert verify_credential(document).valid
    document["credentialSubject"]["name"] = "别人"
    assert not verify_credential(document).valid


def test_the_status_list_is_published_signed_and_shows_revocations(sm2_certificate, client: Client) -> None:  # type: ignore[no-untyped-def]
    credential = credential_of(sm2_certificate)
    url = urlsplit(credential["credentialStatus"]["statusListCredential"]).path
    index = int(credential["credentialStatus"]["statusListIndex"])

    def bit() -> int:
        published = client.get(url).json()
        # The list itself is signed by the issuer's key.
        key = IssuerKey.objects.get(key_id=published["proof"]["verificationMethod"].rsplit("#", 1)[1])
        verify_sm2(published, key.public_key)
        encoded = published["credentialSubject"]["encodedList"][1:]
        bits = gzip.decompress(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
        return (bits[index // 8] >> (7 - index % 8)) & 1

    assert bit() == 0
    do_revoke(actor=ACTOR, certificate=sm2_certificate, reason="issued_in_error", note="测试撤销")
    assert bit() == 1
    assert verify_credential(credential).reason == "revoked"


def test_a_key_whose_public_point_starts_with_04_signs_and_verifies() -> None:
    """One key in 256 has an X coordinate starting with the digits 04; such keys once
    signed what nothing verified."""
    private = "1234567890abcdef1234567890abcdef1234567890abcdef1234567890abce66"
    public = (
        "04ce27277a8c43cf72bf2824c1eeaf1daad95f68c8f96c96053c2bd04761d5ba"
        "23377d2d2c970679091b052771b942376815d6c82a8f07506e166ba35311ec9c"
    )
    signature = sm2.sign(b"status list", private, public)
    assert sm2.verify(b"status list", signature, public)
    assert not sm2.verify(b"status lisT", signature, public)
