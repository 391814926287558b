"""The case clock: it records a deemed acceptance the law already has, once."""

from __future__ import annotations

import pytest

from onestop.cases.models import Case
from onestop.cases.tasks import case_clock
from onestop.cases.tests.factories import make_past_case, working_days_ago
from onestop.catalogue.tests.factories import make_item
from onestop.core.models import AuditEntry
from onestop.identity.tests.factories import client_of, make_citizen
from onestop.tenancy.tests.factories import make_tenant

pytestmark = [pytest.mark.django_db, pytest.mark.own_data]


def test_the_clock_records_a_deemed_acceptance_the_reads_already_show_once() -> None:
    tenant = make_tenant()
    applicant = make_citizen(tenant)
    case = make_past_case(applicant, make_item(tenant), received_on=working_days_ago(6))
    assert case.state == "received"
    citizen = client_of(applicant)
    before = citizen.get(f"/api/v1/tenants/{tenant.code}/cases/{case.number}").json()
    assert (before["state"], before["accepted_on"]) == ("accepted", case.received_on.isoformat())
    assert Case.objects.get(pk=case.pk).state == "received"  # shown, not yet recorded

    assert case_clock.func()["deemed"] >= 1
    assert case_clock.func()["deemed"] == 0  # idempotent
    case.refresh_from_db()
    assert (case.state, case.accepted_on) == ("accepted", case.received_on)
    assert [e.action for e in case.events.all()] == ["submit", "deem_accepted"]
    entries = AuditEntry.objects.filter(action="cases.deem_accepted", object_id=case.number)
    assert entries.count() == 1 and entries.get().actor_label == "case clock"
    after = citizen.get(f"/api/v1/tenants/{tenant.code}/cases/{case.number}").json()
    assert after == before  # what the reads showed is what the clock recorded


def test_a_backlog_is_worked_a_batch_a_transaction_and_a_slice_a_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first round after a bulk load met hundreds of thousands of late cases and held
    SQLite's write lock for minutes in one transaction: every request that wrote was
    refused meanwhile. Now each batch is a transaction of its own, and a run that used up
    its slice leaves the rest to the next run, queued now behind what waits already."""
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from onestop.cases import tasks

    tenant = make_tenant()
    applicant = make_citizen(tenant)
    item = make_item(tenant)
    late = [make_past_case(applicant, item, received_on=working_days_ago(6)) for _ in range(5)]
    monkeypatch.setattr(tasks, "CLOCK_BATCH", 2)
    monkeypatch.setattr(tasks, "CLOCK_SLICE", timedelta(0))  # one batch, then the slice is spent

    waiting = Case.objects.filter(state="received", due_on__lt=timezone.localdate())  # every tenant's
    before = waiting.count()
    assert before >= 5
    assert tasks.case_clock.func() == {"deemed": 2, "escalated": 0}
    assert DBTaskResult.objects.ready().filter(task_path=tasks.case_clock.module_path).exists()
    assert waiting.count() == before - 2

    monkeypatch.setattr(tasks, "CLOCK_SLICE", timedelta(minutes=1))
    assert tasks.case_clock.func()["deemed"] == before - 2
    assert not Case.objects.filter(pk__in=[c.pk for c in late], state="received").exists()
    assert tasks.case_clock.func() == {"deemed": 0, "escalated": 0}
