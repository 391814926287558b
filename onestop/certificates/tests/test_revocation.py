"""Revoking certificates on the command line (the platform's operators), and what follows:
the wallet says so with the day and the reason in words, the verifier says revoked with
the day and not why. (The API's door is tested with a back office app in api/tests, the
materials in cases/tests.)"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from onestop.certificates.access import credential_of, wallet_of
from onestop.certificates.models import Certificate
from onestop.certificates.tests.helpers import other_tenant_certificate, published_bit
from onestop.certificates.views.portal import pack
from onestop.core.models import AuditEntry
from onestop.identity.models import User
from onestop.identity.tests.helpers import login
from onestop.tenancy.access import access_tenant_by_code
from onestop_dev.demo.accounts import DEMO_PASSWORD

pytestmark = pytest.mark.django_db
CITIZEN = "13800138000"


@pytest.fixture
def id_card() -> Certificate:
    holder = User.objects.get(phone_masked="138****8000")
    return wallet_of(access_tenant_by_code("gd"), holder).get(certificate_type__code="id_card")


# --- the command line ----------------------------------------------------------------------


def _cli(*args: str) -> str:
    out = StringIO()
    call_command("certificates", "revoke", *args, stdout=out)
    return out.getvalue()


def test_an_operator_revokes_on_the_command_line(id_card: Certificate) -> None:
    printed = _cli(id_card.number, "--tenant", "gd", "--reason", "superseded", "--note", "换领新证")
    assert id_card.number in printed and "superseded" in printed
    id_card.refresh_from_db()
    assert (id_card.revocation_reason, id_card.revocation_note) == ("superseded", "换领新证")
    assert AuditEntry.objects.filter(
        action="certificates.revoke", object_id=id_card.number, actor_label="onestop certificates revoke"
    ).exists()
    with pytest.raises(CommandError, match="certificate_already_revoked"):
        _cli(id_card.number, "--tenant", "gd", "--reason", "superseded", "--note", "again")


def test_the_command_line_refuses_bad_input_with_the_codes(id_card: Certificate) -> None:
    foreign = other_tenant_certificate()
    for args, code in (
        (
            (id_card.number, "--tenant", "gd", "--reason", "boredom", "--note", "x"),
            "revocation_reason_invalid",
        ),
        ((id_card.number, "--tenant", "gd", "--reason", "fraud", "--note", " "), "revocation_note_invalid"),
        ((foreign.number, "--tenant", "gd", "--reason", "fraud", "--note", "x"), "certificate_not_found"),
        ((id_card.number, "--tenant", "nowhere", "--reason", "fraud", "--note", "x"), "tenant_not_found"),
    ):
        with pytest.raises(CommandError, match=code):
            _cli(*args)
    for certificate in (id_card, foreign):
        certificate.refresh_from_db()
        assert certificate.revoked_at is None


# --- what follows: wallet, verifier, materials -------------------------------------------


def test_the_wallet_says_revoked_with_the_day_and_the_reason_in_words(id_card: Certificate) -> None:
    _cli(id_card.number, "--tenant", "gd", "--reason", "superseded", "--note", "换领新证")
    holder = Client(headers={"accept-language": "en"})
    assert login(holder, CITIZEN, DEMO_PASSWORD).status_code == 302
    today = timezone.localdate().isoformat()
    wallet = holder.get("/gd/me/wallet/").content.decode()
    assert f"Revoked {today}" in wallet and "Replaced by a new certificate" in wallet
    page = holder.get(f"/gd/me/wallet/{id_card.number}/").content.decode()
    assert f"Revoked on {today}" in page
    assert "Replaced by a new certificate" in page and "换领新证" in page
    chinese = Client()
    assert login(chinese, CITIZEN, DEMO_PASSWORD).status_code == 302
    assert "已被新证照替代" in chinese.get("/gd/me/wallet/").content.decode()


def test_the_verifier_says_revoked_and_since_when(client: Client, id_card: Certificate) -> None:
    credential = credential_of(id_card)
    _cli(id_card.number, "--tenant", "gd", "--reason", "fraud", "--note", "冒名申领")
    today = timezone.localdate().isoformat()
    answer = client.post("/api/v1/certificates/verify", credential, content_type="application/json")
    assert (answer.json()["valid"], answer.json()["reason"], answer.json()["revoked_on"]) == (
        False,
        "revoked",
        today,
    )
    page = Client(headers={"accept-language": "en"}).get("/verify/", {"c": pack(credential)})
    text = page.content.decode()
    assert page.status_code == 200 and "✗" in text and f"Revoked on {today}" in text
    # The reason is the holder's and the department's business, not the public's.
    assert "冒名申领" not in text and "fraud" not in text.lower()
    assert published_bit(client, credential) == 1


def test_a_kept_wallet_shows_a_revocation_at_once_and_is_nobody_elses(id_card: Certificate) -> None:
    from onestop.identity.tests.factories import client_of, make_citizen

    holder = Client()
    assert login(holder, CITIZEN, DEMO_PASSWORD).status_code == 302
    kept = holder.get("/gd/me/wallet/").content.decode()
    assert (
        holder.get("/gd/me/wallet/").content.decode().count(id_card.number) == kept.count(id_card.number) > 0
    )
    assert "已被新证照替代" not in kept
    _cli(id_card.number, "--tenant", "gd", "--reason", "superseded", "--note", "换领新证")
    assert "已被新证照替代" in holder.get("/gd/me/wallet/").content.decode()  # not the kept page
    stranger = client_of(make_citizen(access_tenant_by_code("gd")))
    assert id_card.number not in stranger.get("/gd/me/wallet/").content.decode()
    assert Client().get("/gd/me/wallet/").status_code == 302
