"""``onestop worker``: the background worker (django-tasks, database backend).

It beats from a thread (``core.workers``: `/readyz` reads the beat, and the tasks it claims
are held on that lease), puts back in the queue the tasks of workers whose lease ran out,
makes sure every recurring task the apps registered (``core.tasks.recurring``: the case
clock, the page-view roll-up, the audit heads ...) is scheduled, watches the outbox from
another thread (``core.relay.watch_outbox``: events are relayed within a tenth of a second
of their commit, what the outbox held from while no worker ran at its first look, and
nothing on the request's path wakes the worker), then works the task queue until stopped.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.crypto import get_random_string

from onestop.core.checks import STARTUP_TAGS
from onestop.core.relay import start_watching
from onestop.core.tasks import enqueue_now, recurring_tasks, scheduled
from onestop.core.workers import requeue_abandoned, start_beating


class Command(BaseCommand):
    help = "Run the background worker: the outbox relay, the apps' recurring tasks and others."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls when idle")

    def handle(self, *args: Any, **options: Any) -> None:
        self.check(tags=STARTUP_TAGS, include_deployment_checks=True)  # no sandbox SMS in production
        worker_id = get_random_string(32)
        stop_beating = start_beating(worker_id)
        stop_watching = start_watching()
        try:
            requeue_abandoned()
            for work in recurring_tasks():
                if not scheduled(work):
                    enqueue_now(work)
            call_command(
                "db_worker",
                interval=options["interval"],
                no_startup_delay=True,
                worker_id=worker_id,
                verbosity=options["verbosity"],
            )
        finally:
            stop_watching.set()
            stop_beating.set()
