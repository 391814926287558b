"""What replaced a material on the officer's case page: a certificate from the applicant's
wallet (with its credential verified now) or a data service the applicant let the
department fetch it from (with the consent, the department's looks and their answers as
logged); nobody outside the case's department reaches either. A closed case takes no
look-ups."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from onestop.cases.models import Case
from onestop.cases.tests.helpers import PDF, act, apply, logged_in, rs_person_item
from onestop.certificates.access import wallet_of
from onestop.certificates.actions import do_revoke
from onestop.certificates.models import Certificate
from onestop.core.actors import Actor
from onestop.core.crypto import decrypt
from onestop.core.errors import OnestopError
from onestop.core.models import AuditEntry
from onestop.exchange import actions as exchange
from onestop.exchange.models import DataQuery
from onestop.identity.actions import AccountSpec, do_provision_account
from onestop.identity.models import User
from onestop.identity.tests.helpers import login
from onestop.tenancy.access import access_tenant_by_code
from onestop.tenancy.models import Department

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


@pytest.fixture
def id_card() -> Certificate:
    holder = User.objects.get(phone_masked="138****8000")
    return wallet_of(access_tenant_by_code("gd"), holder).get(certificate_type__code="id_card")


def _apply(citizen: Client, **choices: str) -> str:
    """Apply for the demo officer's item with the ID card (material 1) met as chosen
    (``wallet-1`` or ``fetch-1``) and the photo uploaded; the case number."""
    base = citizen.post(f"/gd/services/{rs_person_item().code}/apply/")["Location"].rsplit("/", 2)[0]
    citizen.post(f"{base}/1/", {"address": "广东省广州市天河区演示路1号", "county": "440106"})
    citizen.post(f"{base}/2/", {"purpose": "测试", "pledge": "on"})
    photo = SimpleUploadedFile("p.pdf", PDF, content_type="application/pdf")
    assert citizen.post(f"{base}/3/", {**choices, "material-2": photo, "next": "1"}).status_code == 302
    submitted = citizen.post(f"{base}/4/")
    assert submitted.status_code == 302, submitted.content.decode()[:500]
    return str(submitted["Location"].rstrip("/").rsplit("/", 1)[1])


def _stranger(department: str = "gd-crj", phone: str = "13900139401") -> Client:
    """An officer of another department of gd."""
    operator = logged_in("13900139003")
    operator.post(
        "/console/gd/staff/",
        {
            "display_name": "外部门",
            "phone": phone,
            "role": "officer",
            "department": department,
            "password": "Officer-Pass-2026",
        },
    )
    other = Client()
    assert login(other, phone, "Officer-Pass-2026").status_code == 302
    return other


def _officer_of_xq() -> Client:
    xq = access_tenant_by_code("xq", public_only=False)
    department = Department.objects.filter(tenant=xq).order_by("code").first()
    assert department is not None
    do_provision_account(
        actor=SYSTEM,
        tenant=xq,
        spec=AccountSpec(
            phone="13500000011",
            password="Xq-Officer-2019",
            kind="staff",
            display_name="别省科员",
            roles=(("officer", department.code),),
        ),
    )
    client = Client()
    assert login(client, "13500000011", "Xq-Officer-2019", tenant="xq").status_code == 302
    return client


def test_the_officer_sees_the_wallet_certificate_and_its_verification(
    citizen: Client, officer: Client, id_card: Certificate
) -> None:
    number = _apply(citizen, **{"wallet-1": id_card.number})
    page = officer.get(f"/console/gd/cases/{number}/").content.decode()
    link = f"/console/gd/cases/{number}/materials/1/credential/"
    for shown in (
        id_card.number,
        id_card.certificate_type.issuer.name,
        f"{timezone.localtime(id_card.issued_at):%Y-%m-%d}",  # the page's day is the law's (Beijing time)
        link,
    ):
        assert shown in page, shown
    assert "已撤销" not in page

    english = officer.get(link, headers={"accept-language": "en"})
    body = english.content.decode()
    assert english.status_code == 200 and english["Cache-Control"] == "private, no-store"
    assert "Resident identity card" in body and id_card.number in body and id_card.credential_id in body
    assert 'class="error-code">valid<' in body and body.count("✓ passed") == 4
    # Personal data as the console shows it everywhere: masked.
    holder = id_card.holder
    assert holder.real_name_masked in body and holder.id_number_masked in body
    assert decrypt(holder.real_name_encrypted) not in body

    do_revoke(actor=SYSTEM, certificate=id_card, reason="superseded", note="证件已挂失")
    revoked = officer.get(link, headers={"accept-language": "en"}).content.decode()
    assert 'class="error-code">revoked<' in revoked and "The issuer has revoked the certificate." in revoked
    assert revoked.count("✓ passed") == 3 and "✗ failed" in revoked and "证件已挂失" in revoked
    assert "已撤销" in officer.get(f"/console/gd/cases/{number}/").content.decode()


def test_the_officer_sees_the_data_service_material_its_consent_and_its_queries(
    citizen: Client, officer: Client
) -> None:
    number = _apply(citizen, **{"fetch-1": "1"})
    case = Case.objects.get(number=number)
    page = officer.get(f"/console/gd/cases/{number}/", headers={"accept-language": "en"}).content.decode()
    assert "Resident identity" in page  # the data service holding ID card data
    assert (
        f"The applicant consented with the application, {timezone.localtime(case.created_at):%Y-%m-%d}"
        in page
    )
    assert 'data-action="look-up-identity"' in page and "Not looked up." not in page

    # The button looks it up through the data-exchange action: logged, with its answer.
    answer = officer.post(
        f"/console/gd/cases/{number}/data/",
        {"service": "identity", "purpose": "Check the material 居民身份证"},
    )
    assert answer.status_code == 200 and "record_status" in answer.content.decode()
    query = DataQuery.objects.get(case_number=number)
    assert query.basis == "consent" and query.answer_encrypted
    assert "record_status" not in query.answer_encrypted  # kept encrypted

    page = officer.get(f"/console/gd/cases/{number}/", headers={"accept-language": "en"}).content.decode()
    logged = f"/console/gd/cases/{number}/data/{query.pk}/"
    assert logged in page and "陈科员" in page and "Check the material 居民身份证" in page
    assert 'data-action="look-up-identity"' not in page  # looked up already
    shown = officer.get(logged, headers={"accept-language": "en"})
    body = shown.content.decode()
    assert shown.status_code == 200 and shown["Cache-Control"] == "no-store"
    assert "record_status" in body and "with the applicant's consent" in body
    assert AuditEntry.objects.filter(action="exchange.open_answer", object_id=number).count() == 1
    # The citizen sees that reading among the looks at their data.
    assert "数据共享查询结果被再次查看" in citizen.get("/gd/me/who-looked/").content.decode()


def test_other_departments_and_tenants_find_neither_credential_nor_answer(
    citizen: Client, officer: Client, id_card: Certificate
) -> None:
    wallet_case = _apply(citizen, **{"wallet-1": id_card.number})
    fetch_case = _apply(citizen, **{"fetch-1": "1"})
    officer.post(f"/console/gd/cases/{fetch_case}/data/", {"service": "identity", "purpose": "核验"})
    query = DataQuery.objects.get(case_number=fetch_case)
    credential = f"/console/gd/cases/{wallet_case}/materials/1/credential/"
    answer = f"/console/gd/cases/{fetch_case}/data/{query.pk}/"
    missing_case = officer.get("/console/gd/cases/GD00000000000/materials/1/credential/")
    assert missing_case.status_code == 404 and "case_not_found" in missing_case.content.decode()
    # Within the department: a material met otherwise, another case's query, a missing one.
    for path, code in (
        (f"/console/gd/cases/{wallet_case}/materials/2/credential/", "certificate_not_found"),
        (f"/console/gd/cases/{wallet_case}/materials/99/credential/", "certificate_not_found"),
        (f"/console/gd/cases/{wallet_case}/data/{query.pk}/", "data_query_not_found"),
        (f"/console/gd/cases/{fetch_case}/data/{query.pk + 10**6}/", "data_query_not_found"),
    ):
        refused = officer.get(path)
        assert refused.status_code == 404 and code in refused.content.decode(), path
    assert officer.get(f"/console/gd/cases/{fetch_case}/data/abc/").status_code == 404

    other = _stranger()
    for path in (credential, answer):
        refused = other.get(path)
        assert refused.status_code == 404 and "case_not_found" in refused.content.decode(), path
        assert id_card.number not in refused.content.decode()
    elsewhere = _officer_of_xq()
    for path in (credential, answer):
        foreign = elsewhere.get(path.replace("/console/gd/", "/console/xq/"))
        assert foreign.status_code == 404 and "case_not_found" in foreign.content.decode(), path
        # In gd the officer of xq is nobody: sent to log in, as for a case that is not there.
        assert elsewhere.get(path).status_code == 302
    assert elsewhere.get("/console/gd/cases/GD00000000000/").status_code == 302
    assert not AuditEntry.objects.filter(action="exchange.open_answer").exists()


def _close(citizen: Client, officer: Client, number: str, how: str) -> None:
    if how == "concluded":
        for transition, comment in (
            ("accept", "受理"),
            ("decide", "不予许可"),
            ("conclude", "办结"),
        ):
            assert act(officer, number, transition, comment, decision="refused").status_code == 302
    elif how == "not_accepted":
        assert act(officer, number, "not_accept", "不属于本部门", redirect_to="区政务中心").status_code == 302
    else:
        citizen.post(f"/gd/me/cases/{number}/withdraw/")


@pytest.mark.parametrize("how", ["concluded", "not_accepted", "withdrawn"])
def test_a_closed_case_offers_no_lookup_and_the_action_refuses(
    citizen: Client, officer: Client, how: str
) -> None:
    number = _apply(citizen, **{"fetch-1": "1"})
    citizen.post(f"/gd/me/cases/{number}/consents/set/", {"service": "household", "granted": "1"})
    lookup = f'action="/console/gd/cases/{number}/data/"'
    assert lookup in officer.get(f"/console/gd/cases/{number}/").content.decode()
    _close(citizen, officer, number, how)
    case = Case.objects.get(number=number)
    assert case.state == how  # the states bear the names of the ways to close
    page = officer.get(f"/console/gd/cases/{number}/").content.decode()
    assert lookup not in page and "q-service" not in page

    refused = officer.post(
        f"/console/gd/cases/{number}/data/", {"service": "household", "purpose": "核实"}, follow=True
    )
    assert "(case_closed)" in refused.content.decode()
    officer_user = User.objects.get(phone_masked="139****9001")
    with pytest.raises(OnestopError) as error:
        exchange.do_query(
            actor=SYSTEM, officer=officer_user, case=case, service_code="identity", purpose="核验"
        )
    assert error.value.code == "case_closed" and error.value.status == 409
    assert not DataQuery.objects.filter(case_number=number).exists()
    assert AuditEntry.objects.filter(action="exchange.query", outcome="denied", object_id=number).count() == 2


def test_the_case_page_lists_uploads_and_the_form_as_before(citizen: Client, officer: Client) -> None:
    number = apply(citizen, rs_person_item().code)
    page = officer.get(f"/console/gd/cases/{number}/").content.decode()
    assert len(re.findall(r'href="/gd/files/\d+/"', page)) == 2 and "在线填写" in page
