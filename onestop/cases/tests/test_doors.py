"""Every door of the case domain — the citizen's pages, the citizen's and partner apps'
API — answers another person's and another tenant's objects exactly as it answers
missing ones, and bad input with a 4xx and a stable code."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.test import Client

from onestop.cases.models import Case
from onestop.cases.tests.factories import make_case
from onestop.catalogue.tests.factories import make_item
from onestop.identity.models import User
from onestop.identity.tests.factories import client_of, make_citizen
from onestop.tenancy.models import Tenant
from onestop.tenancy.tests.factories import make_tenant

pytestmark = [pytest.mark.django_db, pytest.mark.own_data]
MISSING = "ZZ2099010100001"


@dataclass
class World:
    tenant: Tenant
    other_tenant: Tenant
    citizen: User
    mine: Case
    neighbours: Case  # another citizen's, same tenant
    elsewhere: Case  # a citizen's of another tenant
    item_elsewhere: str  # an item code only the other tenant has


@pytest.fixture
def world() -> World:
    tenant, other_tenant = make_tenant(), make_tenant()
    item, far_item = make_item(tenant), make_item(other_tenant)
    citizen, neighbour, stranger = make_citizen(tenant), make_citizen(tenant), make_citizen(other_tenant)
    return World(
        tenant=tenant,
        other_tenant=other_tenant,
        citizen=citizen,
        mine=make_case(citizen, item),
        neighbours=make_case(neighbour, item),
        elsewhere=make_case(stranger, far_item),
        item_elsewhere=far_item.code,
    )


def _shape(response) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """What an answer says, whatever object it was about: status and error code."""
    if response["Content-Type"].startswith("application/json"):
        return response.status_code, response.json().get("code", "")
    found = re.search(r'class="error-code">[^:]*: (\w+)', response.content.decode())
    return response.status_code, found.group(1) if found else response.get("Location", "")


def _others_like_missing(client: Client, method: str, url: str, world: World, expected_missing: int) -> None:
    call = getattr(client, method)
    missing = _shape(call(url.format(tenant=world.tenant.code, number=MISSING)))
    assert missing[0] == expected_missing, missing
    for case in (world.neighbours, world.elsewhere):
        assert _shape(call(url.format(tenant=world.tenant.code, number=case.number))) == missing, (url, case)
    # The other tenant's address, for a case of it and for none: the same answer again.
    far = _shape(call(url.format(tenant=world.other_tenant.code, number=world.elsewhere.number)))
    far_missing = _shape(call(url.format(tenant=world.other_tenant.code, number=MISSING)))
    assert far[0] == far_missing[0] and far[1].split("?")[0] == far_missing[1].split("?")[0]


@pytest.mark.parametrize(
    ("method", "url", "expected"),
    [
        ("get", "/{tenant}/me/cases/{number}/", 404),
        ("post", "/{tenant}/me/cases/{number}/resubmit/", 404),
        ("post", "/{tenant}/me/cases/{number}/withdraw/", 404),
        ("get", "/api/v1/tenants/{tenant}/cases/{number}", 404),
    ],
)
def test_another_persons_or_tenants_case_answers_like_a_missing_one(
    world: World, method: str, url: str, expected: int
) -> None:
    client = client_of(world.citizen)
    own = getattr(client, method)(url.format(tenant=world.tenant.code, number=world.mine.number))
    assert own.status_code in (200, 302, 409), own.status_code  # the door works for the owner
    _others_like_missing(client, method, url, world, expected)
    world.neighbours.refresh_from_db()
    assert world.neighbours.state == "received"  # nothing was done to another's case


def test_lists_hold_only_the_readers_own_cases(world: World) -> None:
    client = client_of(world.citizen)
    page = client.get(f"/{world.tenant.code}/me/cases/").content.decode()
    listed = client.get(f"/api/v1/tenants/{world.tenant.code}/cases").json()
    assert world.mine.number in page and [c["number"] for c in listed] == [world.mine.number]
    for other in (world.neighbours, world.elsewhere):
        assert other.number not in page
    # Bad paging is the nearest page (a citizen editing the address), never a server error.
    for page_number in ("abc", "-1", "99999", "1e9"):
        answer = client.get(f"/{world.tenant.code}/me/cases/", {"page": page_number})
        assert answer.status_code == 200 and world.mine.number in answer.content.decode(), page_number


def test_applying_for_another_tenants_item_answers_like_a_missing_item(world: World) -> None:
    client = client_of(world.citizen)
    apply = f"/{world.tenant.code}/services/{{code}}/apply/"
    elsewhere = _shape(client.post(apply.format(code=world.item_elsewhere)))
    missing = _shape(client.post(apply.format(code="NO-SUCH-ITEM")))
    assert elsewhere == missing and missing[0] == 404
    api = f"/api/v1/tenants/{world.tenant.code}/applications"
    body = {"answers": {"pledge": True}, "uploads": {}}
    far = client.post(api, {"item": world.item_elsewhere, **body}, content_type="application/json")
    none = client.post(api, {"item": "NO-SUCH-ITEM", **body}, content_type="application/json")
    assert _shape(far) == _shape(none) and none.status_code == 404
    assert Case.objects.of(world.tenant).filter(applicant=world.citizen).count() == 1


def test_bad_input_gets_a_4xx_with_a_stable_code(world: World) -> None:
    client = client_of(world.citizen)
    api = f"/api/v1/tenants/{world.tenant.code}"
    not_json = client.post(f"{api}/applications", "{not json", content_type="application/json")
    assert not_json.status_code == 400 and not_json.json()["code"] == "invalid"
    shapeless = client.post(f"{api}/applications", {"item": 7}, content_type="application/json")
    assert shapeless.status_code == 422 and shapeless.json()["code"]
    no_file = client.post(f"{api}/uploads", {"material_order": "1"})
    assert 400 <= no_file.status_code < 500 and no_file.json()["code"]
    bad_order = client.post(f"{api}/uploads", {"material_order": "-5", "file": _pdf()})
    assert bad_order.status_code == 422 and bad_order.json()["code"] == "material_unknown"
    # A step the case's state does not allow: the page says why in words, nothing changes.
    withdraw = f"/{world.tenant.code}/me/cases/{world.mine.number}/withdraw/"
    assert client.post(withdraw).status_code == 302
    again = client.post(withdraw, follow=True).content.decode()
    assert "message-error" in again and "transition_not_allowed" not in again
    world.mine.refresh_from_db()
    assert world.mine.state == "withdrawn"
    resubmitted = client.post(f"/{world.tenant.code}/me/cases/{world.mine.number}/resubmit/", follow=True)
    assert "message-error" in resubmitted.content.decode()
    world.mine.refresh_from_db()
    assert world.mine.state == "withdrawn"
    # A GET never takes a step.
    assert client.get(withdraw).status_code == 405


def _pdf():  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"0" * 64, content_type="application/pdf")
