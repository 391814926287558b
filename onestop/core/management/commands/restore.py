"""``onestop restore ARCHIVE --keys-dir DIR --audit-dir OTHER_DIR``: an archive of
``onestop backup`` into this fresh installation (its databases created and empty, not
migrated), its keys written as files; then every table's rows and every audit chain's root
are checked against the archive's. Prints the settings that point at the keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.core.backup import BackupError, restore_backup
from onestop.core.crypto import DecryptionFailed
from onestop.core.management.commands.backup import passphrase


class Command(BaseCommand):
    help = "Restore an archive of `onestop backup` into this fresh installation, and verify it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive")
        parser.add_argument("--keys-dir", required=True, help="where the secret, data and hash keys go")
        parser.add_argument(
            "--audit-dir", required=True, help="where the audit keys go (apart from the others)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        keys_dir, audit_dir = Path(options["keys_dir"]).resolve(), Path(options["audit_dir"]).resolve()
        if keys_dir == audit_dir:
            raise CommandError("The audit keys must live apart from the others: give another --audit-dir.")
        try:
            restored = restore_backup(
                Path(options["archive"]), passphrase(confirm=False), keys_dir, audit_dir
            )
        except (BackupError, DecryptionFailed, FileExistsError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {restored.tables} tables ({restored.rows} rows, as in the backup), "
            f"{restored.files} uploaded files; the audit log verified ({restored.audit_entries} entries, "
            "roots as in the backup). Start onestop with:"
        )
        self.stdout.write("\n".join(f"{setting}={path}" for setting, path in restored.key_settings.items()))
