"""Certificates: issued at the end of a case, verified by signature, period and status
list; 10,000 mutated credentials all rejected; revocation, expiry, key rotation; the
wallet replaces an upload."""

from __future__ import annotations

import copy
import json
import random
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from onestop.certificates.access import credential_of, wallet_of
from onestop.certificates.actions import do_revoke, do_rotate_issuer_key
from onestop.certificates.models import Certificate, IssuerKey
from onestop.certificates.proofs import jcs
from onestop.certificates.verification import verify_credential
from onestop.certificates.views.portal import pack
from onestop.core.actors import Actor
from onestop.identity.models import User
from onestop.tenancy.access import access_tenant_by_code

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


@pytest.fixture
def id_card() -> Certificate:
    holder = User.objects.get(phone_masked="138****8000")
    return wallet_of(access_tenant_by_code("gd"), holder).get(certificate_type__code="id_card")


def test_a_registry_certificate_verifies_and_carries_only_masked_numbers(
    id_card: Certificate,
) -> None:
    credential = credential_of(id_card)
    verdict = verify_credential(credential)
    assert verdict.valid and verdict.reason == "valid"
    subject = credential["credentialSubject"]
    assert "**********" in subject["idNumber"] and subject["certificateType"] == "id_card"
    assert credential["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert credential["proof"]["proofValue"].startswith("z")


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


def _mutate(credential: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    mutated = copy.deepcopy(credential)
    path = rng.choice(_paths(mutated))
    parent = mutated
    for step in path[:-1]:
        parent = parent[step]
    key, value = path[-1], parent[path[-1]]
    choice = rng.randrange(6)
    if choice == 0 and isinstance(value, str) and value:
        position = rng.randrange(len(value))
        replacement = rng.choice("0123456789abcdefXYZ张*#-")
        parent[key] = value[:position] + replacement + value[position + 1 :]
    elif choice == 1 and isinstance(parent, dict):
        del parent[key]
    elif choice == 2 and isinstance(parent, dict):
        parent[f"{key}x"] = parent.pop(key)
    elif choice == 3:
        parent[key] = rng.choice([None, 0, 1, True, "", [], {}, "2099-01-01T00:00:00Z"])
    elif choice == 4 and isinstance(value, dict):
        value[rng.choice(["extra", "admin", "id"])] = rng.choice(["1", 2, False])
    else:
        parent[key] = json.loads(json.dumps(value)) if not isinstance(value, str) else value + " "
    return mutated


def test_ten_thousand_mutated_credentials_are_all_rejected(id_card: Certificate) -> None:
    credential = credential_of(id_card)
    original = jcs(credential)
    rng = random.Random(6)
    rejected = unchanged = 0
    while rejected < 10_000:
        mutated = _mutate(credential, rng)
        try:
            same = jcs(mutated) == original
        except Exception:
            same = False
        if same:
            unchanged += 1
            continue
        verdict = verify_credential(mutated)
        assert not verdict.valid, mutated
        rejected += 1
    assert unchanged < 5_000


def test_revoked_and_expired_certificates_fail_with_the_reason(id_card: Certificate) -> None:
    credential = credential_of(id_card)
    future = timezone.now() + timedelta(days=3651)
    assert verify_credential(credential, now=future).reason == "expired"
    assert verify_credential(credential, now=timezone.now() - timedelta(days=1)).reason == "not_yet_valid"
    do_revoke(actor=ACTOR, certificate=id_card, reason="superseded", note="证件遗失作废")
    assert verify_credential(credential).reason == "revoked"
    household = Certificate.objects.get(holder=id_card.holder, certificate_type__code="household_register")
    assert verify_credential(credential_of(household)).valid  # its neighbour on the list is untouched


def test_a_verification_reads_only_the_status_list_once_the_key_is_known(
    id_card: Certificate, django_assert_num_queries: Any
) -> None:
    credential = credential_of(id_card)
    assert verify_credential(credential).valid  # the issuer key is read once per process
    with django_assert_num_queries(1):  # the status list, read every time
        assert verify_credential(credential).valid
    do_revoke(actor=ACTOR, certificate=id_card, reason="superseded", note="证件遗失作废")
    assert verify_credential(credential).reason == "revoked"  # at once


def test_rotating_a_key_keeps_earlier_certificates_verifiable(id_card: Certificate) -> None:
    old_key = IssuerKey.objects.get(department=id_card.certificate_type.issuer, retired_at__isnull=True)
    new_key = do_rotate_issuer_key(
        actor=ACTOR, tenant=id_card.tenant, department=id_card.certificate_type.issuer
    )
    assert new_key.key_id != old_key.key_id
    assert verify_credential(credential_of(id_card)).valid


def test_the_verification_api_answers_everything_clearly(client: Client, id_card: Certificate) -> None:
    credential = credential_of(id_card)
    valid = client.post("/api/v1/certificates/verify", credential, content_type="application/json").json()
    assert valid["valid"] and valid["type"] == "id_card" and valid["issuer"] == "广东省公安厅"
    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["name"] = "张三"
    answer = client.post("/api/v1/certificates/verify", tampered, content_type="application/json").json()
    assert (answer["valid"], answer["reason"]) == (False, "signature_invalid")
    for garbage in (b"not json", b"[1,2,3]", b"42", b'{"@context": 5}'):
        response = client.post("/api/v1/certificates/verify", garbage, content_type="application/json")
        assert response.status_code in {200, 400}
        assert response.status_code == 400 or response.json()["valid"] is False
    # Bytes that are not UTF-8 are refused before any view, like everywhere else.
    latin = client.post(
        "/api/v1/certificates/verify", "\u00ff".encode("latin-1"), content_type="application/json"
    )
    assert latin.status_code == 422 and latin.json()["code"] == "invalid_characters"
    huge = client.post(
        "/api/v1/certificates/verify", b"[" + b"1," * 40000 + b"1]", content_type="application/json"
    )
    assert huge.status_code == 413


def test_the_qr_link_and_the_public_page_verify(client: Client, id_card: Certificate) -> None:
    credential = credential_of(id_card)
    page = client.get("/verify/", {"c": pack(credential)})
    assert page.status_code == 200 and "✓" in page.content.decode()
    assert client.get("/verify/", {"c": "!!!notbase64"}).status_code == 400
    pasted = client.post("/verify/", {"credential": json.dumps(credential)})
    assert pasted.status_code == 200


def test_the_wallet_shows_the_certificate_and_a_qr_code_and_never_a_private_key(
    id_card: Certificate,
) -> None:
    from onestop.identity.tests.helpers import login
    from onestop_dev.demo.accounts import DEMO_PASSWORD

    def logged_in(phone: str) -> Client:
        client = Client()
        login(client, phone, DEMO_PASSWORD)
        return client

    CITIZEN = "13800138000"

    client = logged_in(CITIZEN)
    wallet = client.get("/gd/me/wallet/").content.decode()
    assert id_card.number in wallet
    page = client.get(f"/gd/me/wallet/{id_card.number}/").content.decode()
    assert "<svg" in page and "proofValue" in page
    for key in IssuerKey.objects.all():
        assert key.private_key_encrypted not in page
        assert "PRIVATE KEY" not in page
    other = logged_in("13800138001")
    assert other.get(f"/gd/me/wallet/{id_card.number}/").status_code == 404


def test_links_use_the_address_being_served(id_card: Certificate) -> None:
    """`PORT=9000 make demo` linked to port 8000: the QR code, the verifier link and the
    issuer now follow the request's host (checked against ALLOWED_HOSTS), and a
    credential signed under one address still verifies under another."""
    from django.test import override_settings

    from onestop.identity.tests.helpers import login
    from onestop_dev.demo.accounts import DEMO_PASSWORD

    client = Client(HTTP_HOST="127.0.0.1:9000")
    assert login(client, "13800138000", DEMO_PASSWORD).status_code == 302
    page = client.get(f"/gd/me/wallet/{id_card.number}/").content.decode()
    assert 'href="http://127.0.0.1:9000/verify/?c=' in page
    assert client.get("/verify/", {"c": pack(credential_of(id_card))}).status_code == 200
    assert Client(HTTP_HOST="evil.example").get(f"/gd/me/wallet/{id_card.number}/").status_code == 400
    with override_settings(ONESTOP_PUBLIC_URL="https://hub.example.gov.cn"):
        fixed = client.get(f"/gd/me/wallet/{id_card.number}/").content.decode()
        assert 'href="https://hub.example.gov.cn/verify/?c=' in fixed
        # Signed under the demo's address, verified while the installation has another.
        assert verify_credential(credential_of(id_card)).valid


def test_a_status_list_elsewhere_than_the_issuer_vouches_for_nothing(id_card: Certificate) -> None:
    """The issuer id may carry any address the installation had when it signed; the status
    list must live under the same one (a credential pointing elsewhere is not vouched for)."""
    from onestop.certificates.verification import _issuer_key, _revoked

    credential = credential_of(id_card)
    key = _issuer_key("gd", credential["proof"]["verificationMethod"].rsplit("#", 1)[1])
    assert key is not None
    origin = credential["issuer"]["id"].split("/issuers/")[0]
    assert not _revoked(credential["credentialStatus"], key, origin)
    assert _revoked(credential["credentialStatus"], key, "https://elsewhere.example")


def test_the_verifier_says_核验_and_shows_no_raw_codes(client: Client, id_card: Certificate) -> None:
    page = client.get("/verify/", {"c": pack(credential_of(id_card))}).content.decode()
    assert ">核验</button>" in page and ">认证</button>" not in page
    assert ">valid<" not in page and "✓" in page
    unreadable = client.get("/verify/", {"c": "!!!notbase64"}).content.decode()
    assert "unreadable" not in unreadable and ">核验</button>" in unreadable
