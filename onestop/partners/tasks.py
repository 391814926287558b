"""The open platform's background tasks: posting webhook deliveries, and forgetting rate
windows that are over."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from onestop.core import databases
from onestop.core.tasks import come_back, recurring

HOUSEKEEPING_INTERVAL = timedelta(minutes=10)


@task()
def deliver_webhooks() -> int:
    """Post due webhook deliveries to partners; come back while any wait for a retry."""
    from onestop.partners.webhooks import deliver_due, next_due

    done = databases.on_each(lambda: (deliver_due(), next_due()))
    delivered, dues = sum(d[0] for d in done), [d[1] for d in done if d[1] is not None]
    if dues:
        come_back(deliver_webhooks, max(min(dues) - timezone.now(), timedelta(seconds=1)))
    return delivered


@recurring
@task()
def forget_rate_windows() -> int:
    """Drop the database's rate-limit windows that are over; again in ten minutes."""
    from onestop.partners.ratelimit import forget_old_windows

    forgotten = sum(databases.on_each(forget_old_windows))
    come_back(forget_rate_windows, HOUSEKEEPING_INTERVAL)
    return forgotten
