"""The law's clock, through the portal, the console, the API and the background clock.

- An approval of an item that issues a certificate (or a paper licence) starts the 10
  working days to issue it (Art. 44): due date, SLA states, escalation, the queue's
  filters and the citizen's page; issuing it ends the clock.
- Once 5 working days after receipt pass unanswered, the case counts as accepted on
  receipt: every read shows it so before anyone records it, the first write (or the
  clock) records it once, and a late request for corrections is refused.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from onestop.cases.actions import do_deem_late_acceptances, do_escalate_overdue
from onestop.cases.kpis import figures
from onestop.cases.models import Case, CaseEvent
from onestop.cases.tests.helpers import (
    HEAD,
    PROVINCE,
    act,
    apply,
    imported_history,
    logged_in,
    received_working_days_ago,
    rs_person_item,
)
from onestop.catalogue.models import ServiceItem
from onestop.certificates.access import certificate_type_for_item
from onestop.core.actors import Actor
from onestop.core.models import AuditEntry, OutboxEvent
from onestop.tenancy.access import access_tenant_by_code
from onestop.workdays.actions import do_set_calendar_day
from onestop.workdays.calendar import WorkCalendar

pytestmark = pytest.mark.django_db

CLOCK = Actor.system("case clock")


def _case_state(page: str) -> str:
    """The state shown at the top of the citizen's case page."""
    found = re.search(r'<p class="case-state">(.*?)</p>', page, re.S)
    assert found, page[:2000]
    return found.group(1)


def _decide(officer: Client, number: str) -> None:
    for transition, comment in (("accept", "受理"), ("decide", "准予")):
        assert act(officer, number, transition, comment, decision="approved").status_code == 302


def _move_decision_to(number: str, decided: date) -> None:
    """Make the case decided on an earlier day, its certificate due 10 working days on."""
    due = WorkCalendar().add_working_days(decided, 10).day
    Case.objects.filter(number=number).update(
        received_on=decided, accepted_on=decided, decided_on=decided, due_on=due
    )


def _queue(client: Client, **filters: str) -> str:
    response = client.get("/console/gd/cases/", filters)
    assert response.status_code == 200
    return response.content.decode()


# --- the certificate's 10 working days -------------------------------------------------------


def test_an_approval_sets_the_certificate_due_10_working_days_on_across_a_holiday(
    citizen: Client, officer: Client
) -> None:
    number = apply(citizen, rs_person_item().code)  # issues a social security card
    today = timezone.localdate()
    # An operator enters a holiday on a working day within the 10.
    holiday = WorkCalendar().add_working_days(today, 3).day
    do_set_calendar_day(actor=Actor.system("test"), day=holiday, kind="holiday", name="测试假日")
    _decide(officer, number)

    case = Case.objects.get(number=number)
    package = WorkCalendar.from_entries()  # the package's days, without the operator's
    expected, left = today, 10
    while left:
        expected += timedelta(days=1)
        left -= package.is_working_day(expected) and expected != holiday
    assert case.due_on == expected > package.add_working_days(today, 10).day
    assert (case.state, case.decided_on, case.issues_certificate) == ("decided", today, True)
    assert case.due_uncertain is (expected.year > 2026)  # a year nobody entered says so

    page = citizen.get(f"/gd/me/cases/{number}/").content.decode()
    assert f"证照发放期限 <strong>{expected:%Y-%m-%d}</strong>" in page
    assert "正常" in _case_state(page)  # on time
    status = citizen.get(f"/api/v1/tenants/gd/cases/{number}").json()
    assert (status["due_on"], status["due_for"]) == (expected.isoformat(), "certificate")
    assert number in _queue(officer, sla="on_time")
    assert number in _queue(officer)  # a decided case waits in the queue until issued


def test_an_overdue_certificate_escalates_to_the_head_and_issuing_it_ends_the_clock(
    citizen: Client, officer: Client
) -> None:
    number = apply(citizen, rs_person_item().code)
    _decide(officer, number)
    calendar, today = WorkCalendar(), timezone.localdate()

    # Due within 2 working days: due soon.
    soon = next(
        d
        for d in (today - timedelta(days=back) for back in range(40))
        if today <= calendar.add_working_days(d, 10).day <= calendar.add_working_days(today, 2).day
    )
    _move_decision_to(number, soon)
    assert number in _queue(officer, sla="due_soon") and number not in _queue(officer, sla="overdue")
    assert "即将到期" in _case_state(citizen.get(f"/gd/me/cases/{number}/").content.decode())

    # Past its 10 working days: overdue, and escalated to the department head once.
    _move_decision_to(number, today - timedelta(days=30))
    assert number in _queue(officer, sla="overdue") and number not in _queue(officer, sla="on_time")
    assert "已超期" in _case_state(citizen.get(f"/gd/me/cases/{number}/").content.decode())
    assert do_escalate_overdue(actor=CLOCK) >= 1
    entry = AuditEntry.objects.get(action="cases.escalate", object_id=number)
    assert entry.detail == {"clock": "certificate"}
    assert do_escalate_overdue(actor=CLOCK) == 0
    head = logged_in(HEAD)
    assert number in _queue(head, escalated="1")

    # Concluding issues the certificate, which ends the clock and the escalation.
    assert act(officer, number, "conclude", "办结").status_code == 302
    case = Case.objects.get(number=number)
    assert (case.state, case.due_on, case.escalated_at) == ("certificate_issued", None, None)
    assert case.certificate_issued_on == today
    assert number not in _queue(head, escalated="1") and number not in _queue(officer)
    page = citizen.get(f"/gd/me/cases/{number}/").content.decode()
    assert "证照发放期限" not in page and "已超期" not in page


def test_a_paper_licence_is_due_until_the_officer_records_it_issued(citizen: Client, officer: Client) -> None:
    tenant = access_tenant_by_code("gd")
    item = next(
        i
        for i in PROVINCE.items
        if i.department_code == "gd-rs"
        and i.audience == "person"
        and i.visits_required == 0
        and i.min_trust_level <= 3
        and i.exercise_level == "city"
        and certificate_type_for_item(tenant, i.code) is None
    )
    ServiceItem.objects.filter(tenant=tenant, code=item.code).update(issues_paper_licence=True)
    number = apply(citizen, item.code)
    _decide(officer, number)
    assert act(officer, number, "conclude", "办结").status_code == 302
    case = Case.objects.get(number=number)
    assert case.state == "concluded" and case.clock == "certificate"
    assert case.due_on == WorkCalendar().add_working_days(case.decided_on, 10).day  # type: ignore[arg-type]
    assert "证照发放期限" in citizen.get(f"/gd/me/cases/{number}/").content.decode()
    assert "记录纸质证照已发放" in officer.get(f"/console/gd/cases/{number}/").content.decode()

    assert act(officer, number, "issue_certificate", "许可证号 粤人社0001").status_code == 302
    case.refresh_from_db()
    assert (case.state, case.due_on, case.clock) == ("certificate_issued", None, None)
    assert case.events.last().detail == {"paper_licence": True}  # type: ignore[union-attr]

    # An electronic certificate is the platform's to issue, never recorded by hand.
    other = apply(citizen, rs_person_item().code)
    _decide(officer, other)
    Case.objects.filter(number=other).update(state="concluded", public_state="concluded")
    refused = act(officer, other, "issue_certificate", "手工发证")
    assert refused.status_code == 422 and "transition_not_allowed" in refused.content.decode()
    assert Case.objects.get(number=other).state == "concluded"


# --- accepted as of receipt once 5 working days pass -----------------------------------------


def _written(case: Case) -> tuple[int, int, int]:
    return (
        CaseEvent.objects.filter(case=case).count(),
        AuditEntry.objects.filter(object_id=case.number).count(),
        OutboxEvent.objects.filter(payload__case=case.number).count(),
    )


def test_a_case_unanswered_for_5_working_days_reads_as_accepted_on_receipt(
    citizen: Client, officer: Client
) -> None:
    tenant = access_tenant_by_code("gd")
    before = figures(tenant)["cases_by_state"]
    case = received_working_days_ago(6)
    written = _written(case)
    decision_due = WorkCalendar().add_working_days(case.received_on, case.limit_days).day

    page = citizen.get(f"/gd/me/cases/{case.number}/").content.decode()
    assert "已受理" in _case_state(page) and "已收件" not in _case_state(page)
    assert f"办结期限 <strong>{decision_due:%Y-%m-%d}</strong>" in page
    assert f"自收到材料之日（{case.received_on:%Y-%m-%d}）起视为受理" in page
    status = citizen.get(f"/api/v1/tenants/gd/cases/{case.number}").json()
    assert (status["state"], status["public_state"], status["due_for"]) == (
        "accepted",
        "accepted",
        "decision",
    )
    assert status["accepted_on"] == case.received_on.isoformat()
    assert status["due_on"] == decision_due.isoformat()
    listed = citizen.get("/api/v1/tenants/gd/cases").json()
    assert next(c for c in listed if c["number"] == case.number)["state"] == "accepted"
    assert case.number in _queue(officer, state="accepted")
    assert case.number not in _queue(officer, state="received")
    today, calendar = timezone.localdate(), WorkCalendar()
    sla = (
        "overdue"
        if decision_due < today
        else "due_soon"
        if decision_due <= calendar.add_working_days(today, 2).day
        else "on_time"
    )
    assert case.number in _queue(officer, sla=sla)  # by its decision's deadline
    console = officer.get(f"/console/gd/cases/{case.number}/").content.decode()
    assert 'data-action="start_review"' in console and 'data-action="accept"' not in console
    assert f"自收到材料之日（{case.received_on:%Y-%m-%d}）起视为受理" in console
    after = figures(tenant)["cases_by_state"]
    assert (after["accepted"], after["received"]) == (before["accepted"] + 1, before["received"])

    # Reads write nothing: the first write or the clock records it.
    case.refresh_from_db()
    assert case.state == "received" and _written(case) == written


def test_a_correction_request_after_5_working_days_is_refused_with_nothing_written(
    officer: Client,
) -> None:
    case = received_working_days_ago(6)
    written = _written(case)
    missing = [case.materials.first().name]  # type: ignore[union-attr]
    for transition, extra in (
        ("request_correction", {"missing": missing}),
        ("not_accept", {"redirect_to": "区人社局"}),
    ):
        refused = act(officer, case.number, transition, "请补正", **extra)
        assert refused.status_code == 422
        text = refused.content.decode()
        assert "correction_period_over" in text and "已视为受理" in text
    case.refresh_from_db()
    assert case.state == "received" and _written(case) == written


def test_the_first_write_records_the_deemed_acceptance_and_the_clock_does_not_again(
    officer: Client,
) -> None:
    case = received_working_days_ago(6)
    assert officer.post(f"/console/gd/cases/{case.number}/", {"claim": "1"}).status_code == 302
    case.refresh_from_db()
    assert (case.state, case.accepted_on) == ("accepted", case.received_on)
    assert case.due_on == WorkCalendar().add_working_days(case.received_on, case.limit_days).day
    assert [e.action for e in case.events.all()] == ["submit", "deem_accepted"]

    do_deem_late_acceptances(actor=CLOCK)  # what the clock runs: the demo's late cases, not this
    assert do_deem_late_acceptances(actor=CLOCK) == 0
    assert AuditEntry.objects.filter(action="cases.deem_accepted", object_id=case.number).count() == 1
    assert case.events.filter(action="deem_accepted").count() == 1


def test_a_step_after_5_working_days_follows_the_deemed_acceptance_recorded_once(
    officer: Client,
) -> None:
    case = received_working_days_ago(6)
    assert act(officer, case.number, "start_review", "开始审查").status_code == 302
    case.refresh_from_db()
    assert [e.action for e in case.events.all()] == ["submit", "deem_accepted", "start_review"]
    assert (case.state, case.accepted_on) == ("under_review", case.received_on)
    audit = AuditEntry.objects.filter(object_id=case.number, action__startswith="cases.")
    assert list(audit.order_by("sequence").values_list("action", flat=True))[-2:] == [
        "cases.deem_accepted",
        "cases.start_review",
    ]
    do_deem_late_acceptances(actor=CLOCK)
    assert do_deem_late_acceptances(actor=CLOCK) == 0
    assert case.events.filter(action="deem_accepted").count() == 1


def test_a_history_of_today_is_never_stamped_after_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Histories are stamped at 09:30 (received) and 10:00 (steps) of their days; one of
    today brought in at ten past midnight happened no later than that."""
    just_after_midnight = timezone.make_aware(datetime.combine(timezone.localdate(), time(0, 10)))
    monkeypatch.setattr(timezone, "now", lambda: just_after_midnight)
    case = imported_history(timezone.localdate())
    assert case.created_at <= just_after_midnight
    assert max(CaseEvent.objects.filter(case=case).values_list("at", flat=True)) <= just_after_midnight
