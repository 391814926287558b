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
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import DatabaseError, close_old_connections
from django.db.models import Q, QuerySet
from django.utils import timezone

from onestop.core import databases
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
    could not finish waits before it is tried again (``_retry_delay``). Events are marked
    relayed a batch at a time (one commit for up to ``limit`` events, not one each): a
    crash before the mark relays them again, which the consumers are made for."""
    relayed: list[int] = []
    try:
        return _relay(relayed, limit, budget)
    finally:
        _mark_relayed(relayed)


def _relay(relayed: list[int], limit: int, budget: timedelta | None) -> RelayRun:
    completed, after, come_back = 0, 0, False
    stop_at = time.monotonic() + budget.total_seconds() if budget is not None else None
    while True:
        _mark_relayed(relayed)
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
                relayed.append(event.pk)
                completed += 1
            else:
                OutboxEvent.objects.filter(pk=event.pk).update(retry_at=timezone.now() + _retry_delay(event))
                come_back = True


def _mark_relayed(relayed: list[int]) -> None:
    if relayed:
        OutboxEvent.objects.filter(pk__in=relayed).update(relayed_at=timezone.now())
        relayed.clear()


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


# One relay at a time in a process: the watcher's and a queued ``relay_outbox`` run's.
RELAYING = threading.Lock()
WATCH_SECONDS = 0.1


def relay_if_due(budget: timedelta) -> RelayRun | None:
    """Relay what is due on the current database, if anything is (one indexed read when
    nothing is): the watcher's look at each database."""
    if not _due(0).exists():
        return None
    with RELAYING:
        return relay_pending(budget=budget)


def watch_outbox(stop: threading.Event, interval: float = WATCH_SECONDS) -> None:
    """The worker's outbox watcher, until ``stop`` is set: every ``interval`` seconds it
    looks on every database for events that are due, new ones and those whose retry time
    came, and relays them at once. A commit that writes events wakes nobody: no task row,
    no query on the request's path, and an event is relayed within ``interval``."""
    from onestop.core.tasks import RELAY_SLICE

    while not stop.is_set():
        busy = False
        try:
            runs = databases.on_each(lambda: relay_if_due(RELAY_SLICE))
            busy = any(run is not None and run.more for run in runs)
        except DatabaseError as error:
            logger.warning("the outbox watcher could not look at the outbox: %s", error)
        except Exception:
            logger.exception("the outbox watcher failed; it looks again")
        finally:
            close_old_connections()
        if not busy:
            stop.wait(interval)


def start_watching() -> threading.Event:
    """Watch the outbox from a thread of its own until the returned event is set."""
    stop = threading.Event()
    threading.Thread(target=watch_outbox, args=(stop,), name="outbox-watcher", daemon=True).start()
    return stop
