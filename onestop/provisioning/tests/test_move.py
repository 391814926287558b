"""A province on a database of its own: all it holds lives there, it serves as before,
and moving it between databases is one command (``onestop tenant move``).

Run with the suite's second database, ``cell1`` (onestop.test_settings): on SQLite a
second SQLite database, on PostgreSQL a second PostgreSQL database of the cluster."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django.test import Client

from onestop.cases.models import Case
from onestop.cases.tests.helpers import act, apply, logged_in, rs_person_item
from onestop.certificates.access import credential_of
from onestop.certificates.models import Certificate
from onestop.certificates.verification import verify_credential
from onestop.core import databases
from onestop.core.audit import verify_audit_log
from onestop.core.models import AuditEntry
from onestop.identity.models import User
from onestop.identity.tests.helpers import login
from onestop.partners.models import Token
from onestop.partners.tests.helpers import make_partner_app
from onestop.tenancy.models import Tenant
from onestop.tenancy.moving import tenant_parts
from onestop.tenancy.routing import forget_placements

pytestmark = pytest.mark.django_db(databases=["default", "cell1"])


def _rows(alias: str, code: str) -> dict[str, int]:
    tenant = Tenant.objects.using("default").get(code=code)
    return {part.model._meta.label: part.rows(alias, tenant).count() for part in tenant_parts()}


def _move(code: str, target: str) -> str:
    out = io.StringIO()
    call_command("tenant", "move", code, "--to", target, "--settle", "0", stdout=out, verbosity=0)
    return out.getvalue()


def test_a_province_lives_wholly_on_its_own_database() -> None:
    before = _rows("default", "gd")
    assert before["cases.Case"] >= 300 and before["identity.User"] > 0
    assert before["catalogue.ServiceItem"] >= 700 and before["identity.Role"] > 0
    assert before["catalogue.SearchIndexEntry"] == before["catalogue.ServiceItem"]  # the index moves too

    assert "Moved tenant 'gd' to database 'cell1'" in _move("gd", "cell1")

    assert Tenant.objects.using("default").get(code="gd").database == "cell1"
    assert _rows("cell1", "gd") == before  # every row, table by table
    assert not any(_rows("default", "gd").values())  # nothing of it left behind
    assert _rows("default", "xq")["catalogue.ServiceItem"] > 0  # the other tenant stays
    assert not any(_rows("cell1", "xq").values())

    # It serves as before, every read and write on its database: a citizen applies, the
    # officer decides, the certificate lands in the wallet and verifies.
    citizen, officer = logged_in("13800138000"), logged_in("13900139001")
    item = rs_person_item()
    number = apply(citizen, item.code)
    for transition, comment in (("accept", "受理"), ("decide", "准予"), ("conclude", "办结")):
        act(officer, number, transition, comment, decision="approved")
    case = Case.objects.using("cell1").get(number=number)
    assert case.state == "certificate_issued"
    assert case.pk >= databases.ID_BLOCK_SIZE  # numbered in cell1's own block of ids
    assert not Case.objects.using("default").filter(number=number).exists()
    certificate = Certificate.objects.using("cell1").get(case_number=number)
    assert certificate.number in citizen.get("/gd/me/wallet/").content.decode()
    with databases.using("cell1"):
        credential = credential_of(certificate)
    assert verify_credential(credential).valid  # from outside: found on the issuer's database
    assert Client().post("/verify/", {"credential": json.dumps(credential)}).status_code == 200
    assert Client().get(f"/gd/services/{item.code}/").status_code == 200
    found = Client().get("/api/v1/tenants/gd/services", {"q": item.name}).json()
    assert item.code in [i["code"] for i in found["results"][:3]]  # searched on its database's index
    assert Client().get("/api/v1/tenants/gd/kpis").json()["cases_total"] == before["cases.Case"] + 1

    # Its audit chain is its own and whole; the platform's records the move and no more.
    with databases.using("cell1"):
        assert verify_audit_log().ok
        assert AuditEntry.objects.filter(tenant_code="gd", action__startswith="cases.").exists()
    assert not AuditEntry.objects.using("default").filter(tenant_code="gd", object_id=number).exists()
    assert verify_audit_log().ok

    # The platform's accounts and the other tenant are where they were.
    assert User.objects.using("default").filter(tenant__isnull=True).exists()
    # The platform view reads each tenant's figures on its database.
    csv = logged_in("13900139009").get("/platform/?export=tenants").content.decode().splitlines()
    header, gd = csv[0].split(","), next(r.split(",") for r in csv if r.startswith("gd,"))
    assert int(gd[header.index("cases_total")]) == before["cases.Case"] + 1


def test_moving_back_and_the_refusals() -> None:
    _move("gd", "cell1")
    for arguments, code in (
        (["gd", "--to", "cell1"], "tenant_already_there"),
        (["gd", "--to", "nowhere"], "database_unknown"),
        (["nobody", "--to", "cell1"], "tenant_not_found"),
    ):
        with pytest.raises(CommandError, match=code):
            call_command("tenant", "move", *arguments, "--settle", "0", verbosity=0)
    citizen = logged_in("13800138000")
    number = apply(citizen, rs_person_item().code)  # a row numbered in cell1's block
    counts = _rows("cell1", "gd")
    if connections["default"].vendor == "sqlite":
        # SQLite numbers new rows after the highest id of a table: rows from cell1's
        # block would make the default database give out cell1's ids. Refused, unchanged.
        with pytest.raises(CommandError, match="tenant_ids_outside_block"):
            _move("gd", "default")
        assert Tenant.objects.using("default").get(code="gd").database == "cell1"
        assert Tenant.objects.using("default").get(code="gd").moving_to == ""
        assert _rows("cell1", "gd") == counts and not any(_rows("default", "gd").values())
        assert Client().get("/gd/").status_code == 200
        return
    _move("gd", "default")
    assert _rows("default", "gd") == counts and not any(_rows("cell1", "gd").values())
    assert not Tenant.objects.using("cell1").filter(code="gd").exists()
    assert Case.objects.using("default").filter(number=number).exists()
    assert logged_in("13800138000").get(f"/gd/me/cases/{number}/").status_code == 200


def test_a_tenant_being_moved_answers_503_with_retry_after() -> None:
    Tenant.objects.using("default").filter(code="xq").update(moving_to="cell1")
    forget_placements()
    page = Client().get("/xq/")
    assert page.status_code == 503 and page["Retry-After"]
    api = Client().get("/api/v1/tenants/xq/services")
    assert api.status_code == 503 and api.json()["code"] == "tenant_moving"
    assert Client().get("/gd/").status_code == 200  # others are not touched
    # A move cut short (the mark left behind) is finished by running the command again.
    _move("xq", "cell1")
    assert Tenant.objects.using("default").get(code="xq").moving_to == ""
    assert Client().get("/xq/").status_code == 200


def test_partners_work_with_a_tenant_on_another_database() -> None:
    """The partner registry stays on the platform's database; admissions, grants, tokens
    and consents move with the tenant, and nothing joins the two."""
    partner = make_partner_app(scopes=["catalogue:read", "cases:read", "cases:write"])
    _move("gd", "cell1")
    assert Token.objects.using("cell1").count() == 0  # none issued yet
    token = partner.token(scope="catalogue:read")["access_token"]
    assert Token.objects.using("cell1").filter(tenant__code="gd").count() == 1
    info = partner.call("get", "/tenants/gd/partner/token", token).json()
    assert info["scopes"] == ["catalogue:read"]
    assert partner.call("get", "/tenants/gd/services?q=社保", token).status_code == 200
    # A citizen of the moved province authorises the app, which then acts for them.
    citizen = logged_in("13800138000")
    acting = partner.consent_of(citizen)["access_token"]
    mine = partner.call("get", "/tenants/gd/partner/token", acting).json()
    assert mine["acting_for_citizen"] is True
    assert partner.app.name in citizen.get("/gd/me/apps/").content.decode()
    # Its developers still see the app enabled in gd, read from gd's database.
    developer = Client()
    assert login(developer, "13700137100", "Partner-Test-2019", tenant="xq").status_code == 302
    page = developer.get(f"/developers/apps/{partner.app.client_id}/").content.decode()
    assert "gd" in page and "catalogue:read" in page
