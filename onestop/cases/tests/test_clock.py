"""The case clock: it records a deemed acceptance the law already has, once; and its
housekeeping: sign-in failure counters older than the throttle's two hours are
forgotten, recent ones kept; so are addresses no login came from for months."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from onestop.cases.models import Case
from onestop.cases.tests.helpers import CITIZEN, logged_in, received_working_days_ago
from onestop.core.models import AuditEntry
from onestop.identity.models import KnownAddress, ThrottleCounter
from onestop.identity.throttle import (
    KNOWN_ADDRESS_LIFETIME,
    Counter,
    Schedule,
    take_turn,
    throttle_key,
)
from onestop.notifications.tasks import case_clock
from onestop.tenancy.access import access_tenant_by_code

pytestmark = pytest.mark.django_db

ONE_FREE = Schedule(free=1, first_wait=60, longest_wait=60, cleared_by_success=True)


def test_the_clock_forgets_old_failure_counters_and_keeps_recent_ones() -> None:
    recent = Counter(throttle_key("phone", "13800138000"), ONE_FREE)
    old = Counter(throttle_key("phone", "13800138001"), ONE_FREE)
    take_turn([recent, old])
    ThrottleCounter.objects.filter(key=old.key).update(window_start=timezone.now() - timedelta(hours=5))

    result = case_clock.func()

    assert result["counters_forgotten"] == 1
    assert list(ThrottleCounter.objects.values_list("key", flat=True)) == [recent.key]
    assert take_turn([recent]) > 0  # still holding back


def test_the_clock_forgets_addresses_no_login_came_from_for_months() -> None:
    tenant = access_tenant_by_code("gd")
    now = timezone.now()
    KnownAddress.objects.create(tenant=tenant, key="known:recent", last_login_at=now - timedelta(days=30))
    KnownAddress.objects.create(
        tenant=tenant, key="known:old", last_login_at=now - KNOWN_ADDRESS_LIFETIME - timedelta(days=1)
    )

    assert case_clock.func()["counters_forgotten"] == 1
    assert list(KnownAddress.objects.values_list("key", flat=True)) == ["known:recent"]


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
