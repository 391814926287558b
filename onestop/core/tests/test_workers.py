"""Supervised workers: `onestop serve` starts a dead worker again, and a task whose
worker is gone goes back to the queue instead of staying RUNNING for ever."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from onestop.core.models import WorkerHeartbeat
from onestop.core.tasks import enqueue_now, relay_outbox
from onestop.core.workers import LEASE_SECONDS, beat, requeue_abandoned, tend

pytestmark = pytest.mark.own_data


def free_port() -> int:  # the kernel's tests cannot use onestop_dev.testing (it names the apps)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.django_db
def test_a_task_whose_worker_is_gone_goes_back_to_the_queue() -> None:
    DBTaskResult.objects.all().delete()
    relay_outbox.enqueue()
    relay_outbox.enqueue()
    gone, alive = DBTaskResult.objects.order_by("enqueued_at", "id")
    long_ago = timezone.now() - timedelta(minutes=5)
    DBTaskResult.objects.filter(pk=gone.pk).update(
        status="RUNNING", worker_ids=["killed"], started_at=long_ago
    )
    DBTaskResult.objects.filter(pk=alive.pk).update(
        status="RUNNING", worker_ids=["busy"], started_at=long_ago
    )
    WorkerHeartbeat.objects.create(
        name="killed", beat_at=timezone.now() - timedelta(seconds=LEASE_SECONDS + 1)
    )
    beat("busy")  # still alive: its long task is its own

    assert requeue_abandoned() == 1
    gone.refresh_from_db()
    alive.refresh_from_db()
    assert (gone.status, gone.started_at) == ("READY", None) and alive.status == "RUNNING"
    assert DBTaskResult.objects.ready().filter(pk=gone.pk).exists()
    assert requeue_abandoned() == 0  # once


@pytest.mark.django_db
def test_every_beat_takes_back_what_a_worker_started_again_left() -> None:
    """A worker killed and started again within its lease: the new one's beats find the
    old one's task once the lease runs out, not only at the next start."""
    DBTaskResult.objects.all().delete()
    enqueue_now(relay_outbox)
    DBTaskResult.objects.update(status="RUNNING", worker_ids=["killed"], started_at=timezone.now())
    WorkerHeartbeat.objects.create(name="killed", beat_at=timezone.now())
    tend("started-again")  # within the lease: still held
    assert DBTaskResult.objects.get().status == "RUNNING"
    WorkerHeartbeat.objects.filter(name="killed").update(
        beat_at=timezone.now() - timedelta(seconds=LEASE_SECONDS + 1)
    )
    tend("started-again")
    assert DBTaskResult.objects.ready().filter(task_path=relay_outbox.module_path).count() == 1


def test_serve_starts_a_dead_worker_again(tmp_path: Path) -> None:
    cli = str(Path(sys.executable).with_name("onestop"))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(ONESTOP_VAR_DIR=str(tmp_path), ONESTOP_DEMO="1")
    subprocess.run([cli, "migrate", "--no-input", "-v", "0"], env=env, check=True, timeout=120)
    server = subprocess.Popen(
        [cli, "serve", "--port", str(free_port()), "--threads", "1"],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in server.stderr], daemon=True).start()  # type: ignore[union-attr]

    def next_line(containing: str) -> str:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            if containing in line:
                return line
        raise AssertionError(f"no line with {containing!r}")

    try:
        first = int(next_line("background worker started").split("pid ")[1].rstrip(")\n"))
        os.kill(first, signal.SIGKILL)
        assert f"(pid {first}) exited with code -9" in next_line("exited with code")
        second = int(next_line("background worker started").split("pid ")[1].rstrip(")\n"))
        assert second != first
        os.kill(second, 0)  # alive
    finally:
        server.terminate()
        server.wait(timeout=30)
    with pytest.raises(ProcessLookupError):  # the worker ended with the server (and was reaped)
        os.kill(second, 0)
