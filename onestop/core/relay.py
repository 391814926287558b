"""The outbox relay: every pending event to every consumer registered for its topic, at
least once.

Events are read in order and marked relayed once every consumer is done; a crash in
between means the event is read again, and the consumers drop what they already did (one
message per event and person, one delivery per event and channel, one webhook delivery
per event and subscription). A consumer that answers "not yet" (a channel backing off
before a retry) leaves its event pending and brings the relay back a little later; one
that fails is logged and its event stays pending for the next run.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import DatabaseError
from django.db.models import Q, QuerySet
from django.utils import timezone

from onestop.core.events import consumers_of
from onestop.core.models import OutboxEvent

logger = logging.getLogger(__name__)
BATCH = 200
MAX_RETRY_DELAY = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class RelayRun:
    completed: int
    come_back: bool  # a consumer asked for another try later
    more: bool = False  # the time budget ran out with events still pending


def relay_pending(limit: int = BATCH, budget: timedelta | None = None) -> RelayRun:
    """Relay the pending events of the current database that are due, ``limit`` at a time
    from the oldest: all of them, or as many as ``budget`` allows. An event a consumer
    could not finish waits before it is tried again (``_retry_delay``)."""
    completed, after, come_back = 0, 0, False
    stop_at = time.monotonic() + budget.total_seconds() if budget is not None else None
    while True:
        due = _due(after)
        if stop_at is not None and time.monotonic() >= stop_at:
            return RelayRun(completed, come_back, due.exists())
        pending = list(due.order_by("id")[:limit])
        if not pending:
            return RelayRun(completed, come_back or _waiting())
        for event in pending:
            if stop_at is not None and time.monotonic() >= stop_at:
                return RelayRun(completed, come_back, True)
            after = event.pk
            done = True
            for consumer in consumers_of(event.topic):
                try:
                    finished = consumer.handle(event)
                except Exception:
                    logger.exception(
                        "%s failed on event %s (%s); it stays pending",
                        consumer.name,
                        event.event_id,
                        event.topic,
                    )
                    done = False
                    continue
                if not finished:
                    done = False
            if done:
                OutboxEvent.objects.filter(pk=event.pk).update(relayed_at=timezone.now())
                completed += 1
            else:
                OutboxEvent.objects.filter(pk=event.pk).update(retry_at=timezone.now() + _retry_delay(event))
                come_back = True


def _retry_delay(event: OutboxEvent) -> timedelta:
    """How long an event waits before its next try: RETRY_DELAY at first, then half its age
    (an event failing for hours is tried about every hour, not every 15 seconds)."""
    from onestop.core.tasks import RETRY_DELAY

    return min(max(RETRY_DELAY, (timezone.now() - event.created_at) / 2), MAX_RETRY_DELAY)


def _due(after: int) -> QuerySet[OutboxEvent]:
    return OutboxEvent.objects.filter(relayed_at__isnull=True, id__gt=after).filter(
        Q(retry_at__isnull=True) | Q(retry_at__lte=timezone.now())
    )


def _waiting() -> bool:
    """Whether events wait for a later try."""
    return OutboxEvent.objects.filter(relayed_at__isnull=True, retry_at__gt=timezone.now()).exists()


def wake_relay() -> None:
    """Called after a commit that wrote outbox events: a relay run that may start now is
    enough (one set for later, to retry a channel, would leave these events waiting).

    The commit has happened: whatever fails here must not turn the request's answer into
    an error (the client would retry what is already done). The events wait in the outbox
    for the next wake-up or the worker's start, which relays everything pending."""
    from onestop.core.tasks import relay_outbox, wake

    try:
        wake(relay_outbox)
    except DatabaseError:
        logger.warning("the outbox relay could not be woken; the events wait for the next run", exc_info=True)
