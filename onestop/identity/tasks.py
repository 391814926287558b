"""Identity's background task: forgetting sign-in failure counters and known sign-in
addresses too old to matter."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from onestop.core import databases
from onestop.core.tasks import come_back, recurring

HOUSEKEEPING_INTERVAL = timedelta(minutes=10)


@recurring
@task()
def forget_sign_in_counters() -> int:
    """Counters past their window, addresses unused for half a year; again in ten minutes."""
    from onestop.identity.throttle import forget_old_counters

    forgotten = sum(databases.on_each(forget_old_counters))
    come_back(forget_sign_in_counters, HOUSEKEEPING_INTERVAL)
    return forgotten
