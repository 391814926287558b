"""Sign-in housekeeping: failure counters older than the throttle's two hours are
forgotten, recent ones kept; so are addresses no login came from for months."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from onestop.identity.models import KnownAddress, ThrottleCounter
from onestop.identity.tasks import forget_sign_in_counters
from onestop.identity.throttle import (
    KNOWN_ADDRESS_LIFETIME,
    Counter,
    Schedule,
    take_turn,
    throttle_key,
)
from onestop.tenancy.access import access_tenant_by_code

pytestmark = pytest.mark.django_db

ONE_FREE = Schedule(free=1, first_wait=60, longest_wait=60, cleared_by_success=True)


def test_the_clock_forgets_old_failure_counters_and_keeps_recent_ones() -> None:
    recent = Counter(throttle_key("phone", "13800138000"), ONE_FREE)
    old = Counter(throttle_key("phone", "13800138001"), ONE_FREE)
    take_turn([recent, old])
    ThrottleCounter.objects.filter(key=old.key).update(window_start=timezone.now() - timedelta(hours=5))

    assert forget_sign_in_counters.func() == 1
    assert list(ThrottleCounter.objects.values_list("key", flat=True)) == [recent.key]
    assert take_turn([recent]) > 0  # still holding back


def test_the_clock_forgets_addresses_no_login_came_from_for_months() -> None:
    tenant = access_tenant_by_code("gd")
    now = timezone.now()
    KnownAddress.objects.create(tenant=tenant, key="known:recent", last_login_at=now - timedelta(days=30))
    KnownAddress.objects.create(
        tenant=tenant, key="known:old", last_login_at=now - KNOWN_ADDRESS_LIFETIME - timedelta(days=1)
    )

    assert forget_sign_in_counters.func() == 1
    assert list(KnownAddress.objects.values_list("key", flat=True)) == ["known:recent"]
