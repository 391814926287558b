"""Background workers that are known to be alive, and tasks they hold on lease.

Each `onestop worker` process beats every ``BEAT_SECONDS`` (a thread writing its id and the
time to ``WorkerHeartbeat``). A task a worker claimed is held on that lease: when the
worker has not beaten for ``LEASE_SECONDS`` (killed, its machine gone), the task goes back
to the queue and runs again, so a task killed mid-run never stays RUNNING for ever. Tasks
are written to be run again (the outbox relay and its consumers are idempotent).
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.db import DatabaseError, close_old_connections
from django.db.models.functions import Now
from django.utils import timezone

from onestop.core import databases

logger = logging.getLogger("onestop.worker")
BEAT_SECONDS = 10
LEASE_SECONDS = 60


def beat(worker_id: str) -> None:
    from onestop.core.models import WorkerHeartbeat

    with databases.using(databases.PLATFORM):
        # The database's clock: workers on machines whose clocks differ agree on leases.
        WorkerHeartbeat.objects.update_or_create(name=worker_id, defaults={"beat_at": Now()})


def tend(worker_id: str) -> None:
    """One beat: renew this worker's lease, and take back the tasks of workers whose lease
    ran out (one killed and started again within a lease left its task RUNNING; only a
    later look finds it abandoned)."""
    beat(worker_id)
    requeue_abandoned()


def start_beating(worker_id: str) -> threading.Event:
    """Tend from a thread of its own until the returned event is set. A database that
    does not answer is retried at the next beat (the worker's lease runs out only if it
    stays away for a whole lease)."""
    stop = threading.Event()
    try:
        beat(worker_id)  # alive before the first task is claimed
    except DatabaseError as error:
        logger.warning("worker %s could not beat: %s", worker_id, error)

    def run() -> None:
        while not stop.is_set():
            try:
                tend(worker_id)
            except DatabaseError as error:
                logger.warning("worker %s could not beat: %s", worker_id, error)
            finally:
                close_old_connections()
            stop.wait(BEAT_SECONDS)

    threading.Thread(target=run, name=f"heartbeat-{worker_id}", daemon=True).start()
    return stop


def requeue_abandoned() -> int:
    """Put back in the queue every RUNNING task whose worker's lease ran out; forget
    workers gone for a day."""
    from django_tasks_db.models import DBTaskResult

    from onestop.core.models import WorkerHeartbeat

    with databases.using(databases.PLATFORM):
        alive = set(
            WorkerHeartbeat.objects.filter(beat_at__gte=Now() - timedelta(seconds=LEASE_SECONDS)).values_list(
                "name", flat=True
            )
        )
        running = DBTaskResult.objects.filter(status="RUNNING").values_list("pk", "worker_ids", "started_at")
        taken_back = 0
        for pk, worker_ids, started_at in running:
            if worker_ids and worker_ids[-1] in alive:
                continue
            # Only the run that was read: another worker may have taken it back and a
            # third claimed it since (its start time differs then).
            taken_back += DBTaskResult.objects.filter(pk=pk, status="RUNNING", started_at=started_at).update(
                status="READY", started_at=None
            )
        if taken_back:
            logger.warning("put %d tasks of workers gone back in the queue", taken_back)
        WorkerHeartbeat.objects.filter(beat_at__lt=Now() - timedelta(days=1)).delete()
    return taken_back


def due_tasks() -> dict[str, tuple[int, float]]:
    """Per queue: how many tasks may start now, and how many seconds the oldest of them
    has waited since it was due (a task without a run time is stored as the year 9999)."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    waiting: dict[str, tuple[int, float]] = {}
    with databases.using(databases.PLATFORM):
        ready = DBTaskResult.objects.ready().values_list("queue_name", "enqueued_at", "run_after")
        for queue, enqueued, run_after in ready.iterator():
            since = enqueued if run_after.year >= 9999 else max(enqueued, run_after)
            count, oldest = waiting.get(queue, (0, 0.0))
            waiting[queue] = (count + 1, max(oldest, (now - since).total_seconds()))
    return waiting


def last_beat_seconds_ago() -> float | None:
    """How long ago the most recent worker beat; None when none ever did."""
    from onestop.core.models import WorkerHeartbeat

    with databases.using(databases.PLATFORM):
        beat = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    return None if beat is None else (timezone.now() - beat).total_seconds()
