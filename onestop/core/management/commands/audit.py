"""``onestop audit verify`` and ``onestop audit prune``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.core import databases
from onestop.core.audit import prune_audit_log, verify_audit_log

PROBLEMS = {
    "changed": "entry {sequence} was changed",
    "removed": "entry {sequence} was removed",
    "reordered": "entry {sequence} is out of order (reordered, or an earlier entry was removed)",
}


class Command(BaseCommand):
    help = "Verify the audit log's Merkle chain, or prune entries past the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "verify", help="check every entry; name the first changed, removed or reordered"
        )
        prune = sub.add_parser("prune", help="delete entries older than the retention period")
        prune.add_argument(
            "--days",
            type=int,
            default=settings.ONESTOP_AUDIT_RETENTION_DAYS,
            help="keep this many days (at least 180; default %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "prune" and options["days"] < 180:
            raise CommandError("audit entries are kept for at least 180 days")
        for alias in databases.aliases():  # every database keeps its own chain
            with databases.using(alias):
                self._handle(alias, options)

    def _handle(self, alias: str, options: dict[str, Any]) -> None:
        label = "audit log" if alias == databases.PLATFORM else f"audit log of database {alias}"
        result = verify_audit_log()
        if not result.ok:
            message = PROBLEMS.get(result.problem, result.problem).format(sequence=result.sequence)
            raise CommandError(
                f"{label} verification FAILED: {message} ({result.entries} entries verified before it)"
            )
        if options["action"] == "verify":
            self.stdout.write(f"{label} OK: {result.entries} entries verified, root {result.root}")
            return
        deleted = prune_audit_log(older_than_days=options["days"])
        self.stdout.write(
            f"{label}: pruned {deleted} audit entries older than {options['days']} days"
        )
