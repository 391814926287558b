"""``onestop worker``: the background worker (django-tasks, database backend).

It makes sure every recurring task the apps registered (``core.tasks.recurring``: the
case clock, the page-view roll-up, the audit heads ...) is scheduled, relays whatever the
outbox holds from while no worker ran, then works the task queue until stopped.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from onestop.core.checks import INTEGRATIONS
from onestop.core.tasks import recurring_tasks, relay_outbox, scheduled


class Command(BaseCommand):
    help = "Run the background worker: the outbox relay, the apps' recurring tasks and others."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls when idle")

    def handle(self, *args: Any, **options: Any) -> None:
        self.check(tags=[INTEGRATIONS], include_deployment_checks=True)  # no sandbox SMS in production
        for work in recurring_tasks():
            if not scheduled(work):
                work.enqueue()
        relay_outbox.enqueue()
        call_command(
            "db_worker",
            interval=options["interval"],
            no_startup_delay=True,
            verbosity=options["verbosity"],
        )
