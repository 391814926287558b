"""Revoking a certificate through the API: the partner app whose back office decided the
case that issued it, with the certificates:revoke scope; anything else answers like a
missing certificate; bad input gets a 4xx with a stable code."""

from __future__ import annotations

import pytest
from django.test import Client

from onestop.cases.tests.helpers import OPERATOR, apply, logged_in, rs_person_item
from onestop.certificates.access import credential_of, wallet_of
from onestop.certificates.models import Certificate
from onestop.certificates.tests.helpers import other_tenant_certificate, published_bit
from onestop.core.models import AuditEntry, OutboxEvent
from onestop.identity.models import User
from onestop.partners.tests.helpers import PartnerApp, make_partner_app
from onestop.tenancy.access import access_tenant_by_code

pytestmark = pytest.mark.django_db
REVOCATION = {"reason": "entitlement_ended", "note": "参保关系已转出本省"}


@pytest.fixture
def id_card() -> Certificate:
    holder = User.objects.get(phone_masked="138****8000")
    return wallet_of(access_tenant_by_code("gd"), holder).get(certificate_type__code="id_card")


@pytest.fixture
def module_card(citizen: Client) -> tuple[PartnerApp, Certificate]:
    """A social security card issued by a case that a partner app's back office decided."""
    module = make_partner_app(service_module=True)
    item = rs_person_item().code
    installed = logged_in(OPERATOR).post(
        f"/console/gd/partners/apps/{module.app.client_id}/", {"do": "install", "items": item}
    )
    assert installed.status_code == 302
    number = apply(citizen, item)
    token = module.token(scope="cases:process")["access_token"]
    for transition, comment in (("accept", "受理"), ("decide", "准予"), ("conclude", "办结")):
        step = module.call(
            "post",
            f"/tenants/gd/module/cases/{number}/steps",
            token,
            content_type="application/json",
            data={"transition": transition, "comment": comment, "decision": "approved"},
        )
        assert step.status_code == 200, step.content
    return module, Certificate.objects.get(case_number=number)


def _revoke(app: PartnerApp, token: str, number: str, tenant: str = "gd", **data: str):  # type: ignore[no-untyped-def]
    return app.call(
        "post",
        f"/tenants/{tenant}/certificates/{number}/revoke",
        token,
        content_type="application/json",
        data=data or REVOCATION,
    )


# --- the API ---------------------------------------------------------------------------------


def test_the_back_office_app_revokes_what_its_case_issued(
    module_card: tuple[PartnerApp, Certificate],
) -> None:
    module, card = module_card
    token = module.token(scope="certificates:revoke")["access_token"]
    done = _revoke(module, token, card.number)
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["number"], body["type"], body["case"], body["revocation_reason"]) == (
        card.number,
        "social_security_card",
        card.case_number,
        "entitlement_ended",
    )
    assert body["revoked_at"] is not None
    card.refresh_from_db()
    assert card.revoked_at is not None and card.revocation_note == REVOCATION["note"]
    entry = AuditEntry.objects.filter(action="certificates.revoke").latest("sequence")
    assert (entry.actor_kind, entry.actor_id) == ("partner_app", module.app.client_id)
    assert OutboxEvent.objects.filter(
        topic="certificates.certificate.revoked", payload__number=card.number
    ).exists()
    assert published_bit(Client(), credential_of(card)) == 1

    again = _revoke(module, token, card.number)
    assert again.status_code == 409 and again.json()["code"] == "certificate_already_revoked"


def test_revoking_through_the_api_needs_the_scope(
    module_card: tuple[PartnerApp, Certificate],
) -> None:
    module, card = module_card
    without = module.token(scope="cases:process")["access_token"]
    refused = _revoke(module, without, card.number)
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"
    anonymous = Client().post(
        f"/api/v1/tenants/gd/certificates/{card.number}/revoke", REVOCATION, content_type="application/json"
    )
    assert anonymous.status_code == 401
    card.refresh_from_db()
    assert card.revoked_at is None


def test_bad_reasons_and_notes_are_refused_with_their_codes(
    module_card: tuple[PartnerApp, Certificate],
) -> None:
    module, card = module_card
    token = module.token(scope="certificates:revoke")["access_token"]
    bad_reason = _revoke(module, token, card.number, reason="boredom", note="x")
    assert bad_reason.status_code == 422
    assert (bad_reason.json()["code"], bad_reason.json()["field"]) == (
        "revocation_reason_invalid",
        "reason",
    )
    blank = _revoke(module, token, card.number, reason="fraud", note="   ")
    assert blank.status_code == 422 and blank.json()["code"] == "revocation_note_invalid"
    too_long = _revoke(module, token, card.number, reason="fraud", note="长" * 501)
    assert too_long.status_code == 422
    card.refresh_from_db()
    assert card.revoked_at is None


def test_what_the_app_did_not_issue_answers_like_a_missing_certificate(
    module_card: tuple[PartnerApp, Certificate], id_card: Certificate
) -> None:
    module, card = module_card
    token = module.token(scope="certificates:revoke")["access_token"]
    foreign = other_tenant_certificate()
    # Another tenant's certificate, under this tenant or under its own: not found.
    for tenant, number in (("gd", foreign.number), ("xq", foreign.number), ("xq", card.number)):
        response = _revoke(module, token, number, tenant=tenant)
        assert response.status_code == 404, (tenant, number)
    # A certificate of this tenant its back office did not decide (from the registry).
    registry = _revoke(module, token, id_card.number)
    assert registry.status_code == 404 and registry.json()["code"] == "certificate_not_found"
    # Another app, with the scope, is no back office of the case.
    stranger = make_partner_app(1, service_module=True)
    stranger_token = stranger.token(scope="certificates:revoke")["access_token"]
    assert _revoke(stranger, stranger_token, card.number).status_code == 404
    for certificate in (foreign, id_card, card):
        certificate.refresh_from_db()
        assert certificate.revoked_at is None
    assert _revoke(module, token, card.number).status_code == 200  # its own: found
