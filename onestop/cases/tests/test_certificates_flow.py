"""Certificates in the case workflow: an approval ends with the certificate in the
wallet, and a wallet certificate replaces an upload (once-only) while it is valid."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from onestop.cases.models import Case
from onestop.cases.tests.helpers import PDF, act, apply, rs_person_item
from onestop.certificates.access import credential_of, wallet_of
from onestop.certificates.models import Certificate
from onestop.certificates.verification import verify_credential
from onestop.identity.models import User
from onestop.tenancy.access import access_tenant_by_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def id_card() -> Certificate:
    holder = User.objects.get(phone_masked="138****8000")
    return wallet_of(access_tenant_by_code("gd"), holder).get(certificate_type__code="id_card")


def test_an_approved_case_ends_with_its_certificate_in_the_wallet(citizen: Client, officer: Client) -> None:
    item = rs_person_item()  # 社会保障卡申领 issues a social security card
    number = apply(citizen, item.code)
    for transition, comment in (("accept", "受理"), ("decide", "准予"), ("conclude", "办结")):
        act(officer, number, transition, comment, decision="approved")
    case = Case.objects.get(number=number)
    assert (case.state, case.public_state) == ("certificate_issued", "certificate_issued")
    certificate = Certificate.objects.get(case_number=number)
    assert certificate.certificate_type.code == "social_security_card"
    assert verify_credential(credential_of(certificate)).valid
    assert certificate.number in citizen.get("/gd/me/wallet/").content.decode()


def test_a_wallet_certificate_replaces_the_upload(citizen: Client, id_card: Certificate) -> None:
    response = citizen.post(f"/gd/services/{rs_person_item().code}/apply/")
    base = response["Location"].rsplit("/", 2)[0]
    citizen.post(f"{base}/1/", {"address": "广东省广州市天河区演示路1号", "county": "440106"})
    citizen.post(f"{base}/2/", {"purpose": "测试", "pledge": "on"})
    page = citizen.get(f"{base}/3/").content.decode()
    assert id_card.number in page  # offered from the wallet
    from django.core.files.uploadedfile import SimpleUploadedFile

    from onestop.cases.tests.helpers import PDF

    photo = SimpleUploadedFile("p.pdf", PDF, content_type="application/pdf")
    citizen.post(f"{base}/3/", {"wallet-1": id_card.number, "material-2": photo, "next": "1"})
    submitted = citizen.post(f"{base}/4/")
    assert submitted.status_code == 302
    case = Case.objects.latest("id")
    id_material = case.materials.get(order=1)
    assert id_material.certificate_id == id_card.credential_id and id_material.upload_id is None


def test_a_revoked_certificate_no_longer_meets_a_material(citizen: Client, id_card: Certificate) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = citizen.post(f"/gd/services/{rs_person_item().code}/apply/")
    base = response["Location"].rsplit("/", 2)[0]
    citizen.post(f"{base}/1/", {"address": "广东省广州市天河区演示路1号", "county": "440106"})
    citizen.post(f"{base}/2/", {"purpose": "测试", "pledge": "on"})
    assert id_card.number in citizen.get(f"{base}/3/").content.decode()  # offered while valid
    photo = SimpleUploadedFile("p.pdf", PDF, content_type="application/pdf")
    citizen.post(f"{base}/3/", {"wallet-1": id_card.number, "material-2": photo})

    # Revoked after it was chosen: no longer offered, no longer counted.
    call_command(
        "certificates",
        "revoke",
        id_card.number,
        "--tenant",
        "gd",
        "--reason",
        "issued_in_error",
        "--note",
        "错发",
        stdout=StringIO(),
    )
    assert id_card.number not in citizen.get(f"{base}/3/").content.decode()
    refused = citizen.post(f"{base}/4/")
    assert refused.status_code == 422 and "material_missing" in refused.content.decode()
