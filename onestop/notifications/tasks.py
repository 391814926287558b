"""Background tasks (django-tasks, database backend): the outbox relay and the case
clock. `onestop worker` runs them. The queue is the platform's; each task does its work
on every database in turn."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import DatabaseError
from django.utils import timezone
from django_tasks import task

from onestop.core import databases
from onestop.core.actors import Actor
from onestop.partners.webhooks import next_due

logger = logging.getLogger(__name__)
CLOCK_INTERVAL = timedelta(minutes=10)


RETRY_DELAY = timedelta(seconds=15)


@task()
def relay_outbox() -> int:
    """Relay everything pending; come back later for deliveries waiting to be retried."""
    from onestop.notifications.relay import relay_pending, waiting_for_retry

    # Every database keeps its own outbox.
    done = databases.on_each(lambda: (relay_pending(), waiting_for_retry(), next_due() is not None))
    relayed, retry, due = sum(d[0] for d in done), any(d[1] for d in done), any(d[2] for d in done)
    if retry:
        relay_outbox.using(run_after=timezone.now() + RETRY_DELAY).enqueue()
    if due and not _deliveries_scheduled():
        deliver_webhooks.enqueue()
    return relayed


def _scheduled(path: str) -> bool:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=path, status="READY").exists()


def _deliveries_scheduled() -> bool:
    """One chain of webhook delivery tasks is enough."""
    return _scheduled(deliver_webhooks.module_path)


@task()
def deliver_webhooks() -> int:
    """Post due webhook deliveries to partners; come back while any wait for a retry."""
    from onestop.partners.webhooks import deliver_due

    done = databases.on_each(lambda: (deliver_due(), next_due()))
    delivered, dues = sum(d[0] for d in done), [d[1] for d in done if d[1] is not None]
    if dues and not _deliveries_scheduled():
        deliver_webhooks.using(run_after=max(min(dues), timezone.now() + timedelta(seconds=1))).enqueue()
    return delivered


def wake_relay() -> None:
    """Called after a commit that wrote outbox events: one waiting relay run is enough.

    The commit has happened: whatever fails here must not turn the request's answer into
    an error (the client would retry what is already done). The events wait in the outbox
    for the next wake-up or the worker's start, which relays everything pending."""
    try:
        if not _scheduled(relay_outbox.module_path):
            relay_outbox.enqueue()
    except DatabaseError:
        logger.warning("the outbox relay could not be woken; the events wait for the next run", exc_info=True)


@task()
def case_clock() -> dict[str, int]:
    """Deem late acceptances, escalate overdue cases, forget sign-in failure counters and
    known sign-in addresses too old to matter, then come back in ten minutes."""
    from onestop.cases.actions import deem_late_acceptances, escalate_overdue
    from onestop.identity.throttle import forget_old_counters
    from onestop.partners.ratelimit import forget_old_windows

    actor = Actor.system("case clock")
    done = databases.on_each(
        lambda: {
            "deemed": deem_late_acceptances(actor=actor),
            "escalated": escalate_overdue(actor=actor),
            "counters_forgotten": forget_old_counters(),
            "rate_windows_forgotten": forget_old_windows(),
        }
    )
    result = {
        key: sum(d[key] for d in done)
        for key in ("deemed", "escalated", "counters_forgotten", "rate_windows_forgotten")
    }
    case_clock.using(run_after=timezone.now() + CLOCK_INTERVAL).enqueue()
    return result
