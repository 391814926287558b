"""A citizen's proofs that the looks at their data are in the audit log as published:
offered once a published head covers the entry, checkable by anyone with the platform's
public key, and refused for anyone else's entry exactly like for a missing one."""

from __future__ import annotations

import json

import pytest
from django.http import HttpResponse
from django.test import Client

from onestop.cases.tests.helpers import OPERATOR, apply, logged_in, rs_person_item
from onestop.core import databases
from onestop.core.actors import Actor
from onestop.core.audit import record_action
from onestop.core.crypto import decrypt
from onestop.core.models import AuditEntry
from onestop.core.transparency import public_key, publish_heads
from onestop.core.treeheads import check_inclusion_proof
from onestop.identity.audit import IdentityAudit
from onestop.identity.models import User

pytestmark = pytest.mark.django_db

NOT_YET = "Proof available after the next publication"
OTHER_CITIZEN = "13800138001"  # the demo's second citizen


def _me(client: Client) -> User:
    return User.objects.get(pk=client.session["_auth_user_id"])


def _looked_at(citizen: Client, officer: Client) -> tuple[AuditEntry, AuditEntry]:
    """An officer's query about the citizen's case and an operator's reveal of their ID
    number: the two kinds of look the log records."""
    number = apply(citizen, rs_person_item().code)
    citizen.post(f"/gd/me/cases/{number}/consents/set/", {"service": "household", "granted": "1"})
    assert (
        officer.post(
            f"/console/gd/cases/{number}/data/", {"service": "household", "purpose": "核实户籍"}
        ).status_code
        == 200
    )
    me = _me(citizen)
    assert (
        logged_in(OPERATOR).post(f"/console/gd/users/{me.pk}/reveal/", {"field": "id_number"}).status_code
        == 200
    )
    query = AuditEntry.objects.filter(action="exchange.query", object_id=number).latest("sequence")
    reveal = AuditEntry.objects.filter(action="identity.reveal", object_id=str(me.pk)).latest("sequence")
    return query, reveal


def _error(answer: HttpResponse) -> str:
    """The error a page shows (the rest differs by address and CSRF token only)."""
    page = answer.content.decode()
    start = page.index('<div class="card error-box"')
    return page[start : page.index("</div>", start)]


def _proof_url(entry: AuditEntry, chain: str = "default", tenant: str = "gd") -> str:
    return f"/{tenant}/me/who-looked/proofs/{chain}/{entry.sequence}/"


def test_the_citizen_downloads_proofs_once_the_head_is_published(citizen: Client, officer: Client) -> None:
    query, reveal = _looked_at(citizen, officer)
    page = citizen.get("/gd/me/who-looked/", headers={"accept-language": "en"}).content.decode()
    assert page.count(NOT_YET) >= 2 and _proof_url(query) not in page
    assert citizen.get(_proof_url(query)).status_code == 409  # said in words on the page

    publish_heads()
    page = citizen.get("/gd/me/who-looked/", headers={"accept-language": "en"}).content.decode()
    assert _proof_url(query) in page and _proof_url(reveal) in page and "ID number" in page

    me = _me(citizen)
    personal = [
        decrypt(me.phone_encrypted),
        decrypt(me.real_name_encrypted),
        decrypt(me.id_number_encrypted),
    ]
    for entry in (query, reveal):
        answer = citizen.get(_proof_url(entry))
        assert answer.status_code == 200 and answer["Content-Disposition"].startswith("attachment")
        assert answer["Cache-Control"] == "private, no-store"
        proof = json.loads(answer.content)
        assert check_inclusion_proof(proof, public_key()).ok
        assert proof["leaf_index"] == entry.sequence
        assert json.loads(proof["leaf_data"])["action"] == entry.action
        assert not any(value and value in answer.content.decode() for value in personal)


def test_another_persons_or_tenants_entry_answers_like_a_missing_one(
    citizen: Client, officer: Client
) -> None:
    query, reveal = _looked_at(citizen, officer)
    me, other = _me(citizen), logged_in(OTHER_CITIZEN)
    with databases.atomic():
        # A look at the other citizen of the same tenant, and one in another tenant at an
        # account with this citizen's id.
        someone_else = record_action(
            actor=Actor.system("t"),
            action=IdentityAudit.REVEAL,
            tenant_code="gd",
            object_type="user",
            object_id=str(_me(other).pk),
            detail={"field": "phone"},
        )
        other_tenant = record_action(
            actor=Actor.system("t"),
            action=IdentityAudit.REVEAL,
            tenant_code="xq",
            object_type="user",
            object_id=str(me.pk),
            detail={"field": "phone"},
        )
    publish_heads()
    missing = citizen.get("/gd/me/who-looked/proofs/default/999999999999/")
    assert missing.status_code == 404 and b"audit_entry_not_found" in missing.content
    for entry in (someone_else, other_tenant):
        answer = citizen.get(_proof_url(entry))
        assert (answer.status_code, _error(answer)) == (missing.status_code, _error(missing))
    page = citizen.get("/gd/me/who-looked/").content.decode()
    assert _proof_url(someone_else) not in page and _proof_url(other_tenant) not in page
    # Nor does the other citizen get this citizen's proofs, or see them listed.
    for entry in (query, reveal):
        answer = other.get(_proof_url(entry))
        assert (answer.status_code, _error(answer)) == (missing.status_code, _error(missing))
    assert other.get(_proof_url(someone_else)).status_code == 200
    page = other.get("/gd/me/who-looked/").content.decode()
    assert _proof_url(query) not in page and _proof_url(reveal) not in page


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/gd/me/who-looked/proofs/nowhere/1/", 404, b"audit_entry_not_found"),
        ("/gd/me/who-looked/proofs/cell1/1/", 404, b"audit_entry_not_found"),
        ("/gd/me/who-looked/proofs/default/-1/", 404, b"page_not_found"),
        ("/gd/me/who-looked/proofs/default/x/", 404, b"page_not_found"),
    ],
)
def test_bad_proof_addresses_get_a_4xx_with_a_code(
    citizen: Client, path: str, status: int, code: bytes
) -> None:
    answer = citizen.get(path)
    assert answer.status_code == status and code in answer.content


def test_the_proof_needs_a_login(citizen: Client, officer: Client) -> None:
    query, _ = _looked_at(citizen, officer)
    publish_heads()
    answer = Client().get(_proof_url(query))
    assert answer.status_code == 302 and "/login" in answer["Location"]
