"""Write or check the committed OpenAPI document."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.api.openapi import OPENAPI_PATH, render_openapi


class Command(BaseCommand):
    help = "Write docs/api/openapi.json, or with --check fail when it differs from the code."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        current = render_openapi()
        if options["check"]:
            committed = OPENAPI_PATH.read_text() if OPENAPI_PATH.exists() else ""
            if committed != current:
                raise CommandError(f"{OPENAPI_PATH} is out of date: run `onestop openapi` and commit it.")
            self.stdout.write("OpenAPI document is up to date.")
            return
        OPENAPI_PATH.parent.mkdir(parents=True, exist_ok=True)
        OPENAPI_PATH.write_text(current)
        self.stdout.write(f"wrote {OPENAPI_PATH}")
