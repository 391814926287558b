"""Building cases for tests through the portal, as a citizen would."""

from __future__ import annotations

import re

from django.test import Client

from onestop.identity.tests.helpers import login
from onestop_dev.demo.accounts import DEMO_PASSWORD
from onestop_dev.demo.generator import build_province

PDF = b"%PDF-1.4\n% test material\n" + b"0" * 2048
PROVINCE = build_province()
CITIZEN, OFFICER, HEAD, OPERATOR = "13800138000", "13900139001", "13900139002", "13900139003"


def rs_person_item(zero_trip: bool = True, level: str = "city"):  # type: ignore[no-untyped-def]
    """An item of the human resources and social security line (the demo officer's)."""
    return next(
        i
        for i in PROVINCE.items
        if i.department_code == "gd-rs"
        and i.audience == "person"
        and (i.visits_required == 0) == zero_trip
        and i.min_trust_level <= 3
        and i.exercise_level == level
    )


def logged_in(phone: str) -> Client:
    client = Client()
    assert login(client, phone, DEMO_PASSWORD).status_code == 302
    return client


def apply(client: Client, item_code: str, *, county: str = "440106") -> str:
    """Fill every step, upload every material, submit; the case number."""
    response = client.post(f"/gd/services/{item_code}/apply/")
    assert response.status_code == 302, response.content[:500]
    base = response["Location"].rsplit("/", 2)[0]
    step1 = client.get(f"{base}/1/").content.decode()
    answers = {"address": "广东省广州市天河区演示路1号"}
    if 'name="county"' in step1:
        answers["county"] = county
    assert client.post(f"{base}/1/", answers).status_code == 302
    assert client.post(f"{base}/2/", {"purpose": "测试申请", "pledge": "on"}).status_code == 302
    materials = client.get(f"{base}/3/").content.decode()
    files = {name: _pdf() for name in set(re.findall(r'name="(material-\d+)"', materials))}
    assert client.post(f"{base}/3/", {**files, "next": "1"}).status_code == 302
    submitted = client.post(f"{base}/4/")
    assert submitted.status_code == 302, submitted.content.decode()[:2000]
    return submitted["Location"].rstrip("/").rsplit("/", 1)[1]


def _pdf():  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("我的材料.pdf", PDF, content_type="application/pdf")


def act(client: Client, number: str, transition: str, comment: str = "同意", **extra: object):  # type: ignore[no-untyped-def]
    return client.post(
        f"/console/gd/cases/{number}/", {"transition": transition, "comment": comment, **extra}
    )


def received_working_days_ago(count: int, county: str = "440106"):  # type: ignore[no-untyped-def]
    """A case of the demo citizen received ``count`` working days ago and never answered,
    brought in as history (the clock has not run since)."""
    from datetime import timedelta

    from django.utils import timezone

    from onestop.workdays.calendar import WorkCalendar

    calendar, today = WorkCalendar(), timezone.localdate()
    received = today
    while not (calendar.working_days_between(received, today) == count and calendar.is_working_day(received)):
        received -= timedelta(days=1)
    case = imported_history(received, county)
    assert (case.state, case.received_on) == ("received", received)
    return case


def imported_history(received, county: str = "440106"):  # type: ignore[no-untyped-def]
    """A case of the demo citizen received on ``received``, brought in as history."""
    from onestop.cases.actions import HistorySpec, do_import_case_history
    from onestop.cases.models import Case
    from onestop.core.actors import Actor
    from onestop.identity.models import User
    from onestop.messaging.phones import phone_hash
    from onestop.tenancy.access import access_tenant_by_code

    tenant = access_tenant_by_code("gd")
    citizen = User.objects.get(tenant=tenant, phone_hash=phone_hash(CITIZEN))
    history = HistorySpec(
        applicant_id=citizen.pk,
        item_code=rs_person_item().code,
        received_on=received,
        county_code=county,
        data={"address": "广东省广州市天河区演示路1号", "county": county, "pledge": True},
    )
    do_import_case_history(actor=Actor.system("test"), tenant=tenant, histories=[history])
    return Case.objects.filter(tenant=tenant, applicant=citizen).latest("id")
