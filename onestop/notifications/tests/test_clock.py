"""The case clock's housekeeping: sign-in failure counters older than the throttle's two
hours are forgotten, recent ones kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from onestop.identity.models import ThrottleCounter
from onestop.identity.throttle import count_failure, is_throttled, throttle_key
from onestop.notifications.tasks import case_clock

pytestmark = pytest.mark.django_db


def test_the_clock_forgets_old_failure_counters_and_keeps_recent_ones() -> None:
    recent, old = throttle_key("phone", "13800138000"), throttle_key("phone", "13800138001")
    count_failure([recent, old])
    ThrottleCounter.objects.filter(key=old).update(window_start=timezone.now() - timedelta(hours=5))

    result = case_clock.func()

    assert result["counters_forgotten"] == 1
    assert list(ThrottleCounter.objects.values_list("key", flat=True)) == [recent]
    assert is_throttled([recent], limit=1)
