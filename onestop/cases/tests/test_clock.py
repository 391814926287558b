"""The case clock: it records a deemed acceptance the law already has, once."""

from __future__ import annotations

import pytest

from onestop.cases.models import Case
from onestop.cases.tasks import case_clock
from onestop.cases.tests.helpers import CITIZEN, logged_in, received_working_days_ago
from onestop.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_the_clock_records_a_deemed_acceptance_the_reads_already_show_once() -> None:
    case = received_working_days_ago(6)
    citizen = logged_in(CITIZEN)
    before = citizen.get(f"/api/v1/tenants/gd/cases/{case.number}").json()
    assert (before["state"], before["accepted_on"]) == ("accepted", case.received_on.isoformat())
    assert Case.objects.get(pk=case.pk).state == "received"  # shown, not yet recorded

    assert case_clock.func()["deemed"] >= 1
    assert case_clock.func()["deemed"] == 0  # idempotent
    case.refresh_from_db()
    assert (case.state, case.accepted_on) == ("accepted", case.received_on)
    assert [e.action for e in case.events.all()] == ["submit", "deem_accepted"]
    entries = AuditEntry.objects.filter(action="cases.deem_accepted", object_id=case.number)
    assert entries.count() == 1 and entries.get().actor_label == "case clock"
    after = citizen.get(f"/api/v1/tenants/gd/cases/{case.number}").json()
    assert after == before  # what the reads showed is what the clock recorded
