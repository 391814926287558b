"""The kernel's background tasks (django-tasks, database backend; `onestop worker` runs
the queue): the outbox relay and the publication of the audit log's signed heads; and the
registry of recurring tasks, which each app fills with its own (`recurring`) when it is
ready. The queue is the platform's; a task does its work on every database in turn."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

from onestop.core import databases

if TYPE_CHECKING:
    from onestop.core.relay import RelayRun

RETRY_DELAY = timedelta(seconds=15)
# The queue is taken in the order runs became due (django-tasks orders by priority, then
# run time, and every run here has the same priority): a run for now carries the time it
# was asked for (``enqueue_now``; django-tasks would store none as the year 9999, behind
# every retry whose time has come), and one set for later (a retry, a recurring task's
# next round) the time it is due. Nothing waits behind runs that became due after it, so
# a channel backing off (SMS rate-limited, a carrier down) cannot hold up webhooks, mail
# or the case clock, and a stream of immediate runs cannot starve a due retry. Tasks run
# in bounded slices (the relay, ``RELAY_SLICE``) so that one long backlog takes turns.
RELAY_SLICE = timedelta(seconds=5)

_recurring: dict[str, Task[Any, Any]] = {}


def recurring(work: Task[Any, Any]) -> Task[Any, Any]:
    """Keep ``work`` scheduled: the worker enqueues it at start when none waits; the task
    schedules its next run itself (``come_back``)."""
    _recurring[work.module_path] = work
    return work


def recurring_tasks() -> list[Task[Any, Any]]:
    return [_recurring[path] for path in sorted(_recurring)]


def scheduled(work: Task[Any, Any]) -> bool:
    """Whether a run of ``work`` waits in the queue, at any time (one waiting run is
    enough for a recurring task)."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=work.module_path, status="READY").exists()


def due_soon(work: Task[Any, Any]) -> bool:
    """Whether a run of ``work`` waits that may start now (not one set for later)."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().filter(task_path=work.module_path).exists()


def come_back(work: Task[Any, Any], after: timedelta) -> None:
    """Schedule the next run of a task (a recurring one's next round, a retry), unless one
    already waits: one waiting run is enough, however many asked."""
    if not scheduled(work):
        work.using(run_after=timezone.now() + after).enqueue()


def enqueue_now(work: Task[Any, Any]) -> None:
    """A run of ``work`` that may start now, in its turn after the runs due before it."""
    work.using(run_after=timezone.now()).enqueue()


def wake(work: Task[Any, Any]) -> None:
    """A run of ``work`` that may start now, unless one that may already waits (one
    set for later would leave this moment's work waiting)."""
    if not due_soon(work):
        enqueue_now(work)


@task()
def relay_outbox() -> int:
    """Relay what is pending on every database, a slice of time each; take another turn
    when more waits, come back soon when a consumer asked for another try (a channel
    backing off before a retry)."""
    from onestop.core.relay import RELAYING, relay_pending

    def relay() -> RelayRun:
        with RELAYING:  # not beside the watcher of this process
            return relay_pending(budget=RELAY_SLICE)

    runs = databases.on_each(relay)
    if any(run.more for run in runs):
        wake(relay_outbox)  # more than a slice's worth: the rest in its turn
    elif any(run.come_back for run in runs):
        come_back(relay_outbox, RETRY_DELAY)
    return sum(run.completed for run in runs)


STATISTICS_EVERY = timedelta(hours=1)


@recurring
@task()
def refresh_planner_statistics() -> dict[str, list[str]]:
    """Take the query planner's statistics again where tables outgrew them
    (``core.statistics``), on every database, then come back in an hour."""
    from onestop.core.statistics import refresh

    refreshed = databases.on_each(lambda: (databases.current(), refresh()))
    come_back(refresh_planner_statistics, STATISTICS_EVERY)
    return {alias: tables for alias, tables in refreshed if tables}


@recurring
@task()
def publish_audit_heads() -> dict[str, int]:
    """Publish the head of every chain that grew, then come back in N minutes (one chain
    of this task is enough: a second worker does not start another)."""
    from onestop.core.transparency import publish_heads

    publications = publish_heads()
    come_back(publish_audit_heads, timedelta(minutes=settings.ONESTOP_AUDIT_PUBLISH_MINUTES))
    return {
        "published": sum(p.published for p in publications),
        "refused": sum(bool(p.refused) for p in publications),
    }
