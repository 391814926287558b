"""``onestop audit verify|publish|check-proof|prune``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.core import databases
from onestop.core.audit import prune_audit_log
from onestop.core.transparency import public_key, publish_heads, verify_chain, when
from onestop.core.treeheads import check_inclusion_proof, key_id, public_key_from

PROBLEMS = {
    "changed": "entry {sequence} was changed",
    "removed": "entry {sequence} was removed",
    "reordered": "entry {sequence} is out of order (reordered, or an earlier entry was removed)",
    "bad_signature": "the published head of {sequence} entries ({detail}) does not carry a valid "
    "signature of the audit-head key",
    "rolled_back": "the log holds {size} entries, but a head of {sequence} entries was published "
    "({detail}): its newest entries were removed, or the database was rolled back",
    "diverged": "the log's root at {sequence} entries is not the published one ({detail}): "
    "entries up to {sequence} were changed or replaced",
}


class Command(BaseCommand):
    help = (
        "Verify the audit log's Merkle chain against its published heads, publish signed "
        "heads, check an inclusion proof, or prune entries past the retention period."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "verify",
            help="check every entry, and the log against every published head; name the first problem",
        )
        sub.add_parser("publish", help="sign and publish the head of every chain that grew")
        check = sub.add_parser("check-proof", help="check an inclusion proof downloaded from the portal")
        check.add_argument("file", help="the proof (JSON)")
        check.add_argument(
            "--public-key",
            default="",
            help="the audit-head public key (base64, or a PEM file); this installation's by default",
        )
        prune = sub.add_parser("prune", help="delete entries older than the retention period")
        prune.add_argument(
            "--days",
            type=int,
            default=settings.ONESTOP_AUDIT_RETENTION_DAYS,
            help="keep this many days (at least 180; default %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "check-proof":
            self._check_proof(options["file"], options["public_key"])
            return
        if options["action"] == "publish":
            self._publish()
            return
        if options["action"] == "prune" and options["days"] < 180:
            raise CommandError("audit entries are kept for at least 180 days")
        for alias in databases.aliases():  # every database keeps its own chain
            with databases.using(alias):
                self._handle(alias, options)

    def _handle(self, alias: str, options: dict[str, Any]) -> None:
        label = "audit log" if alias == databases.PLATFORM else f"audit log of database {alias}"
        result = verify_chain()
        if not result.ok:
            message = PROBLEMS.get(result.problem, result.problem).format(
                sequence=result.sequence, size=result.size, detail=result.detail
            )
            raise CommandError(
                f"{label} verification FAILED: {message} ({result.entries} entries verified before it)"
            )
        if options["action"] == "verify":
            self.stdout.write(
                f"{label} OK: {result.entries} entries verified, root {result.root}; {result.detail}"
            )
            return
        deleted = prune_audit_log(older_than_days=options["days"])
        self.stdout.write(f"{label}: pruned {deleted} audit entries older than {options['days']} days")

    def _publish(self) -> None:
        refused = []
        for publication in publish_heads():
            head = publication.head
            if publication.refused:
                refused.append(publication.chain)
                self.stderr.write(f"chain {publication.chain}: NOT published: {publication.refused}")
            elif head is None:
                self.stdout.write(f"chain {publication.chain}: empty, nothing to publish")
            elif publication.published:
                self.stdout.write(
                    f"chain {head.chain}: published {head.tree_size} entries, "
                    f"root {head.root.hex()}, signed {when(head)}"
                )
            else:
                self.stdout.write(
                    f"chain {head.chain}: unchanged since {when(head)} ({head.tree_size} entries)"
                )
            for warning in publication.warnings:
                self.stderr.write(f"chain {publication.chain}: {warning}")
        if refused:
            raise CommandError(f"heads not published for {', '.join(refused)}: run `onestop audit verify`")

    def _check_proof(self, file: str, given_key: str) -> None:
        try:
            document = json.loads(Path(file).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"{file} cannot be read as JSON: {error}") from error
        try:
            if given_key and Path(given_key).is_file():
                given_key = Path(given_key).read_text()
            key = public_key_from(given_key) if given_key else public_key()
        except ValueError as error:
            raise CommandError(f"the public key cannot be read: {error}") from error
        check = check_inclusion_proof(document, key)
        if not check.ok:
            raise CommandError(f"proof INVALID: {check.problem}")
        head = check.head
        assert head is not None
        self.stdout.write(
            f"proof OK: entry {check.leaf_index} is in audit chain {head.chain} of {head.tree_size} "
            f"entries, root {head.root.hex()}, signed {when(head)} by key {key_id(key)}"
        )
