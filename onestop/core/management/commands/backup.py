"""``onestop backup ARCHIVE``: every database, the uploaded files and the keys (sealed
under a passphrase) in one archive; ``onestop restore`` brings it back (core.backup).

The passphrase is asked twice on a terminal, or read from ONESTOP_BACKUP_PASSPHRASE. Keep
it apart from the archives: whoever holds both can read every citizen's personal data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.core.backup import BackupError, make_backup
from onestop.core.prompts import ask_secret


def passphrase(confirm: bool) -> str:
    return ask_secret("ONESTOP_BACKUP_PASSPHRASE", "Backup passphrase", confirm=confirm)


class Command(BaseCommand):
    help = "Write every database, the uploaded files and the sealed keys to one archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="the archive to write (a tar file)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["archive"])
        if path.exists():
            raise CommandError(f"{path} exists: give a new file.")
        try:
            manifest = make_backup(path, passphrase(confirm=True))
        except BackupError as error:
            path.unlink(missing_ok=True)
            raise CommandError(str(error)) from error
        rows = sum(sum(db["rows"].values()) for db in manifest["databases"].values())
        self.stdout.write(
            f"Backed up {len(manifest['databases'])} databases ({rows} rows), "
            f"{manifest['media_files']} uploaded files and the keys to {path}."
        )
