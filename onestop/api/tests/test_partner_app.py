"""A partner app written as a test: it gets a token, searches the catalogue, subscribes a
webhook, applies for a citizen who consented, and receives the signed webhook."""

from __future__ import annotations

import hashlib
import hmac
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onestop.cases.models import Case
from onestop.cases.tests.helpers import CITIZEN, PDF, PROVINCE, logged_in, rs_person_item
from onestop.core.models import AuditEntry
from onestop.core.relay import relay_pending
from onestop.partners.tests.helpers import Receiver, make_partner_app
from onestop.partners.webhooks import deliver_due

pytestmark = pytest.mark.django_db


def _independent_check(secret: str, header: str, body: bytes) -> bool:
    """What a receiver in any language does, written here without onestop's code."""
    parts = dict(p.split("=", 1) for p in header.split(","))
    expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    return abs(time.time() - int(parts["t"])) <= 300 and hmac.compare_digest(expected, parts["v1"])


def test_a_partner_app_applies_for_a_consenting_citizen_and_receives_the_signed_webhook() -> None:
    partner = make_partner_app()
    own = partner.token(scope="catalogue:read webhooks:manage")["access_token"]

    found = partner.call("get", "/tenants/gd/services?q=社保", own)
    assert found.status_code == 200 and found.json()["count"] > 0

    with Receiver() as receiver:
        subscribed = partner.call(
            "post",
            "/tenants/gd/webhooks",
            own,
            content_type="application/json",
            data={"url": receiver.url, "events": ["case.state_changed"]},
        )
        assert subscribed.status_code == 201, subscribed.content
        secret = subscribed.json()["secret"]

        citizen = logged_in(CITIZEN)
        tokens = partner.consent_of(citizen)
        assert set(tokens["scope"].split()) == {"cases:read", "cases:write"}
        acting = tokens["access_token"]

        item = next(i for i in PROVINCE.items if i.code == rs_person_item().code)
        uploads = {}
        for order, material in enumerate(item.materials):
            if not material.filled_online:
                stored = partner.call(
                    "post",
                    "/tenants/gd/uploads",
                    acting,
                    data={
                        "material_order": order,
                        "file": SimpleUploadedFile("m.pdf", PDF, content_type="application/pdf"),
                    },
                )
                assert stored.status_code == 201, stored.content
                uploads[str(order)] = stored.json()["id"]
        answers = {
            "address": "广东省广州市天河区演示路1号",
            "county": "440106",
            "purpose": "伙伴代办",
            "pledge": True,
        }
        submitted = partner.call(
            "post",
            "/tenants/gd/applications",
            acting,
            content_type="application/json",
            data={"item": item.code, "answers": answers, "uploads": uploads},
        )
        assert submitted.status_code == 201, submitted.content
        number = submitted.json()["number"]
        case = Case.objects.get(number=number)
        assert case.submitted_via_app == partner.app.client_id and case.applicant.phone_masked.endswith(
            "8000"
        )
        assert AuditEntry.objects.filter(
            action="cases.submit", object_id=number, actor_kind="partner_app", actor_id=partner.app.client_id
        ).exists()

        relay_pending()
        assert deliver_due() == 1
        [request] = receiver.received
        assert _independent_check(secret, request["headers"]["Onestop-Signature"], request["body"])
        assert not _independent_check("oswh_wrong", request["headers"]["Onestop-Signature"], request["body"])
        event = receiver.events()[0]
        assert event["type"] == "case.state_changed" and event["data"]["case"] == number
        assert event["data"]["state"] == "received" and request["headers"]["Onestop-Event-Id"] == event["id"]

        # The relay running again (a crash before it marked the event) sends nothing twice.
        relay_pending()
        assert deliver_due() == 0 and len(receiver.received) == 1

    status = partner.call("get", f"/tenants/gd/cases/{number}", acting)
    assert status.status_code == 200 and status.json()["state"] == "received"
    listed = partner.call("get", "/tenants/gd/cases", acting).json()
    assert [c["number"] for c in listed] == [number]  # only what was applied for through the app


def test_the_app_sees_none_of_the_citizens_other_cases() -> None:
    partner = make_partner_app()
    citizen = logged_in(CITIZEN)
    acting = partner.consent_of(citizen)["access_token"]
    other = Case.objects.filter(applicant__phone_masked__endswith="8000", submitted_via_app="").first()
    if other is None:
        from onestop.cases.tests.helpers import apply

        other = Case.objects.get(number=apply(citizen, rs_person_item().code))
    assert partner.call("get", f"/tenants/gd/cases/{other.number}", acting).status_code == 404
    assert partner.call("get", "/tenants/gd/cases", acting).json() == []
