"""Revoking a certificate in the console: found from the case that issued it or by its
number; the heads of the departments that issued it or decided its case revoke it, with a
reason and after a confirmation; officers see its state only; anyone else's certificate
answers like a missing one."""

from __future__ import annotations

import pytest
from django.test import Client

from onestop.cases.tests.helpers import HEAD, OFFICER, act, apply, rs_person_item
from onestop.certificates.access import credential_of
from onestop.certificates.models import Certificate
from onestop.certificates.tests.helpers import other_tenant_certificate, published_bit, staff
from onestop.certificates.verification import verify_credential
from onestop.core.models import AuditEntry, OutboxEvent
from onestop.identity.tests.helpers import login
from onestop_dev.demo.accounts import DEMO_PASSWORD

pytestmark = pytest.mark.django_db
REVOCATION = {
    "reason": "issued_in_error",
    "note": "The residence was entered wrongly at the counter.",
}


def _en(phone: str) -> Client:
    client = Client(headers={"accept-language": "en"})
    assert login(client, phone, DEMO_PASSWORD).status_code == 302
    return client


@pytest.fixture
def card(citizen: Client, officer: Client) -> Certificate:
    """A social security card, issued when the Guangzhou bureau (440100-rs) approved the
    citizen's application; the provincial department (gd-rs) signs it."""
    number = apply(citizen, rs_person_item().code)
    for transition, comment in (("accept", "受理"), ("decide", "准予"), ("conclude", "办结")):
        act(officer, number, transition, comment, decision="approved")
    return Certificate.objects.select_related("certificate_type").get(case_number=number)


def _page(number: str) -> str:
    return f"/console/gd/certificates/{number}/"


def _revoke_url(number: str) -> str:
    return f"/console/gd/certificates/{number}/revoke/"


def test_the_head_revokes_from_the_case_page_after_confirming(card: Certificate) -> None:
    head = _en(HEAD)  # head of 440100-rs, whose decision issued the card
    case_page = head.get(f"/console/gd/cases/{card.case_number}/").content.decode()
    assert _page(card.number) in case_page  # the concluded case links to what it issued
    page = head.get(_page(card.number))
    assert page.status_code == 200 and f'action="{_revoke_url(card.number)}"' in page.content.decode()

    # First step: the reason is checked and shown for confirmation; nothing is revoked yet.
    confirm = head.post(_revoke_url(card.number), REVOCATION)
    assert confirm.status_code == 200 and 'name="confirm"' in confirm.content.decode()
    assert "Issued in error" in confirm.content.decode()
    card.refresh_from_db()
    assert card.revoked_at is None
    assert not OutboxEvent.objects.filter(topic="certificates.certificate.revoked").exists()

    done = head.post(_revoke_url(card.number), {**REVOCATION, "confirm": "1"})
    assert done.status_code == 302 and done["Location"] == _page(card.number)
    card.refresh_from_db()
    assert (card.revocation_reason, card.revocation_note) == ("issued_in_error", REVOCATION["note"])
    assert card.revoked_at is not None
    entry = AuditEntry.objects.filter(action="certificates.revoke").latest("sequence")
    assert (entry.object_id, entry.actor_label, entry.detail["reason"]) == (
        card.number,
        "黄处长",
        "issued_in_error",
    )
    event = OutboxEvent.objects.get(topic="certificates.certificate.revoked")
    assert event.payload["number"] == card.number and event.payload["holder"] == card.holder_id

    credential = credential_of(card)
    assert verify_credential(credential).reason == "revoked"
    assert published_bit(Client(), credential) == 1  # what an outside verifier reads
    after = head.get(_page(card.number)).content.decode()
    assert "Issued in error" in after and REVOCATION["note"] in after
    assert f'action="{_revoke_url(card.number)}"' not in after  # nothing left to revoke
    again = head.post(_revoke_url(card.number), {**REVOCATION, "confirm": "1"})
    assert again.status_code == 409 and "certificate_already_revoked" in again.content.decode()


def test_the_head_finds_a_certificate_by_its_number(card: Certificate) -> None:
    head = _en(HEAD)
    found = head.get("/console/gd/certificates/", {"number": card.number})
    assert found.status_code == 302 and found["Location"] == _page(card.number)
    listed = head.get("/console/gd/certificates/").content.decode()
    assert card.number in listed
    missing = head.get("/console/gd/certificates/", {"number": "SSC-20260101-FFFFFF"})
    assert missing.status_code == 404


def test_the_issuing_departments_head_may_revoke_too(card: Certificate) -> None:
    issuer_head = staff("13712340001", "department_head", "gd-rs")  # signs social security cards
    page = issuer_head.get(_page(card.number)).content.decode()
    assert f'action="{_revoke_url(card.number)}"' in page
    done = issuer_head.post(_revoke_url(card.number), {"reason": "fraud", "note": "伪造材料", "confirm": "1"})
    assert done.status_code == 302
    card.refresh_from_db()
    assert card.revocation_reason == "fraud"


def test_an_officer_sees_the_state_but_cannot_revoke(card: Certificate) -> None:
    officer = _en(OFFICER)
    page = officer.get(_page(card.number))
    assert page.status_code == 200 and "Valid" in page.content.decode()
    assert _revoke_url(card.number) not in page.content.decode()
    refused = officer.post(_revoke_url(card.number), {**REVOCATION, "confirm": "1"})
    assert refused.status_code == 403
    card.refresh_from_db()
    assert card.revoked_at is None
    assert verify_credential(credential_of(card)).valid
    denial = AuditEntry.objects.filter(outcome="denied").latest("sequence")
    assert denial.action == "identity.denied.certificates.revoke"
    assert not OutboxEvent.objects.filter(topic="certificates.certificate.revoked").exists()


def test_another_departments_head_finds_nothing(card: Certificate) -> None:
    other = staff("13712340002", "department_head", "440100-ga")  # public security, Guangzhou
    own = other.get("/console/gd/certificates/")  # their own list: the card is not on it
    assert own.status_code == 200 and card.number not in own.content.decode()
    assert other.get(_page(card.number)).status_code == 404
    assert other.get("/console/gd/certificates/", {"number": card.number}).status_code == 404
    refused = other.post(_revoke_url(card.number), {**REVOCATION, "confirm": "1"})
    assert refused.status_code == 404
    assert card.number not in other.get(f"/console/gd/cases/{card.case_number}/").content.decode()
    card.refresh_from_db()
    assert card.revoked_at is None


def test_another_tenants_certificate_answers_like_a_missing_one(card: Certificate) -> None:
    foreign = other_tenant_certificate()
    platform_wide = _en("13900139009")  # the platform operator sees all of gd, nothing of xq there
    head = _en(HEAD)
    for client in (head, platform_wide):  # what they may see in gd, they see
        assert client.get(_page(card.number)).status_code == 200
    for client in (head, platform_wide):
        assert client.get(_page(foreign.number)).status_code == 404
        assert client.get("/console/gd/certificates/", {"number": foreign.number}).status_code == 404
        refused = client.post(_revoke_url(foreign.number), {**REVOCATION, "confirm": "1"})
        assert refused.status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


def test_a_revocation_needs_a_reason_from_the_list_and_a_note(card: Certificate) -> None:
    head = _en(HEAD)
    for data in (
        {"reason": "boredom", "note": "x"},
        {"reason": "fraud", "note": " "},
        {"note": "x"},
    ):
        response = head.post(_revoke_url(card.number), {**data, "confirm": "1"})
        assert response.status_code == 422, data
    card.refresh_from_db()
    assert card.revoked_at is None
