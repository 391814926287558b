"""Background tasks (django-tasks, database backend): the outbox relay and the case
clock. `onestop worker` runs them."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from onestop.core.actors import Actor

CLOCK_INTERVAL = timedelta(minutes=10)


RETRY_DELAY = timedelta(seconds=15)


@task()
def relay_outbox() -> int:
    """Relay everything pending; come back later for deliveries waiting to be retried."""
    from onestop.notifications.relay import relay_pending, waiting_for_retry

    relayed = relay_pending()
    if waiting_for_retry():
        relay_outbox.using(run_after=timezone.now() + RETRY_DELAY).enqueue()
    return relayed


def wake_relay() -> None:
    """Called after a commit that wrote outbox events."""
    relay_outbox.enqueue()


@task()
def case_clock() -> dict[str, int]:
    """Deem late acceptances, escalate overdue cases, forget sign-in failure counters too old
    to matter, then come back in ten minutes."""
    from onestop.cases.actions import deem_late_acceptances, escalate_overdue
    from onestop.identity.throttle import forget_old_counters

    actor = Actor.system("case clock")
    result = {
        "deemed": deem_late_acceptances(actor=actor),
        "escalated": escalate_overdue(actor=actor),
        "counters_forgotten": forget_old_counters(),
    }
    case_clock.using(run_after=timezone.now() + CLOCK_INTERVAL).enqueue()
    return result
