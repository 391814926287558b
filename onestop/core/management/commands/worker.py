"""``onestop worker``: the background worker (django-tasks, database backend).

It makes sure the recurring tasks (the case clock, the page-view roll-up) are scheduled, relays whatever the outbox holds from while no
worker ran, then works the task queue until stopped.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from onestop.core.checks import INTEGRATIONS
from onestop.notifications.tasks import relay_outbox


class Command(BaseCommand):
    help = "Run the background worker: outbox relay, case clock and other tasks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls when idle")

    def handle(self, *args: Any, **options: Any) -> None:
        self.check(tags=[INTEGRATIONS], include_deployment_checks=True)  # no sandbox SMS in production
        for path in settings.ONESTOP_RECURRING_TASKS:
            recurring = import_string(path)
            if not DBTaskResult.objects.filter(
                task_path=recurring.module_path, status=TaskResultStatus.READY
            ).exists():
                recurring.enqueue()
        relay_outbox.enqueue()
        call_command(
            "db_worker",
            interval=options["interval"],
            no_startup_delay=True,
            verbosity=options["verbosity"],
        )
