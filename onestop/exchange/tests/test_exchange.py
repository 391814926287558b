"""Data exchange: a query needs an open case of the officer's department, a purpose, and
the citizen's consent or a legal basis; every look is logged and shown to the citizen."""

from __future__ import annotations

import pytest
from django.test import Client

from onestop.cases.models import Case
from onestop.cases.tests.helpers import apply, logged_in, rs_person_item
from onestop.core.models import AuditEntry
from onestop.exchange.models import DataQuery

pytestmark = pytest.mark.django_db


def _query(officer: Client, number: str, **data: str):  # type: ignore[no-untyped-def]
    return officer.post(f"/console/gd/cases/{number}/data/", data)


def test_with_consent_the_officer_looks_up_and_the_citizen_sees_it(citizen: Client, officer: Client) -> None:
    number = apply(citizen, rs_person_item().code)
    assert "户籍信息" in citizen.get(f"/gd/me/cases/{number}/consents/").content.decode()
    citizen.post(f"/gd/me/cases/{number}/consents/set/", {"service": "household", "granted": "1"})
    answer = _query(officer, number, service="household", purpose="核实户籍")
    assert answer.status_code == 200 and "household_members" in answer.content.decode()
    query = DataQuery.objects.get(case_number=number)
    assert (query.basis, query.purpose, query.service.code) == ("consent", "核实户籍", "household")
    page = citizen.get("/gd/me/who-looked/").content.decode()
    assert "核实户籍" in page and number in page and "陈科员" in page


def test_without_consent_a_legal_basis_is_needed(citizen: Client, officer: Client) -> None:
    number = apply(citizen, rs_person_item().code)
    refused = _query(officer, number, service="social_security", purpose="核实参保")
    assert refused.status_code == 302 and not DataQuery.objects.filter(case_number=number).exists()
    assert AuditEntry.objects.filter(action="exchange.query", outcome="denied", object_id=number).exists()
    allowed = _query(
        officer, number, service="social_security", purpose="核实参保", legal_basis="《社会保险法》第七十四条"
    )
    assert allowed.status_code == 200
    assert DataQuery.objects.get(case_number=number).basis == "legal"


def test_withdrawn_consent_and_closed_cases_stop_queries(citizen: Client, officer: Client) -> None:
    number = apply(citizen, rs_person_item().code)
    citizen.post(f"/gd/me/cases/{number}/consents/set/", {"service": "marriage", "granted": "1"})
    citizen.post(f"/gd/me/cases/{number}/consents/set/", {"service": "marriage", "granted": "0"})
    _query(officer, number, service="marriage", purpose="核实婚姻状况")
    assert not DataQuery.objects.filter(case_number=number).exists()
    citizen.post(f"/gd/me/cases/{number}/withdraw/")
    _query(officer, number, service="marriage", purpose="核实", legal_basis="某条例")
    assert not DataQuery.objects.filter(case_number=number).exists()


def test_other_departments_cannot_query_and_nobody_else_sees_the_log(
    citizen: Client, officer: Client
) -> None:
    number = apply(citizen, rs_person_item().code)
    citizen.post(f"/gd/me/cases/{number}/consents/set/", {"service": "household", "granted": "1"})
    operator = logged_in("13900139003")
    operator.post(
        "/console/gd/staff/",
        {
            "display_name": "别的部门",
            "phone": "13900139301",
            "role": "officer",
            "department": "gd-crj",
            "password": "Officer-Pass-2026",
        },
    )
    from onestop.identity.tests.helpers import login

    stranger = Client()
    login(stranger, "13900139301", "Officer-Pass-2026")
    assert _query(stranger, number, service="household", purpose="越权").status_code == 404
    assert not DataQuery.objects.filter(case_number=number).exists()
    assert Case.objects.get(number=number).state == "received"


def test_kpis_count_the_queries(citizen: Client, officer: Client, client: Client) -> None:
    before = client.get("/api/v1/tenants/gd/kpis").json()["data_exchange_queries"]
    number = apply(citizen, rs_person_item().code)
    _query(officer, number, service="property", purpose="核实", legal_basis="依法")
    assert client.get("/api/v1/tenants/gd/kpis").json()["data_exchange_queries"] == before + 1


def test_a_material_fetched_with_consent_needs_no_upload_and_no_legal_basis(
    citizen: Client, officer: Client
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from onestop.cases.tests.helpers import PDF

    response = citizen.post(f"/gd/services/{rs_person_item().code}/apply/")
    base = response["Location"].rsplit("/", 2)[0]
    citizen.post(f"{base}/1/", {"address": "广东省广州市天河区演示路1号", "county": "440106"})
    citizen.post(f"{base}/2/", {"purpose": "测试", "pledge": "on"})
    page = citizen.get(f"{base}/3/").content.decode()
    assert 'name="fetch-1"' in page  # the ID card (material 1) can be fetched from its issuer
    photo = SimpleUploadedFile("p.pdf", PDF, content_type="application/pdf")
    citizen.post(f"{base}/3/", {"fetch-1": "1", "material-2": photo, "next": "1"})
    assert "经您授权由部门调取" in citizen.get(f"{base}/4/").content.decode()
    submitted = citizen.post(f"{base}/4/")
    assert submitted.status_code == 302
    number = submitted["Location"].rstrip("/").rsplit("/", 1)[1]
    material = Case.objects.get(number=number).materials.get(order=1)
    assert material.fetch_consented and material.upload_id is None and not material.certificate_id
    # That consent covers the identity service for this case: no legal basis is needed.
    answer = _query(officer, number, service="identity", purpose="核验身份证明")
    assert answer.status_code == 200
    assert DataQuery.objects.get(case_number=number).basis == "consent"
    # It covers nothing else.
    _query(officer, number, service="property", purpose="顺便看看")
    assert DataQuery.objects.filter(case_number=number).count() == 1
