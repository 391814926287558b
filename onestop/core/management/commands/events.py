"""Write or check docs/events.md: every declared outbox topic and its consumers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.core.events import document

EVENTS_PATH = Path(settings.BASE_DIR) / "docs" / "events.md"


class Command(BaseCommand):
    help = "Write docs/events.md, or with --check fail when it differs from the declarations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        current = document() + "\n"
        if options["check"]:
            committed = EVENTS_PATH.read_text() if EVENTS_PATH.exists() else ""
            if committed != current:
                raise CommandError(f"{EVENTS_PATH} is out of date: run `onestop events` and commit it.")
            self.stdout.write("The events document is up to date.")
            return
        EVENTS_PATH.write_text(current)
        self.stdout.write(f"wrote {EVENTS_PATH}")
