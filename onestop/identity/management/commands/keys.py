"""``onestop keys init|new|rotate``.

``init DIR [--audit-dir DIR2]`` writes a production installation's keys as files only
their owner reads: the secret key and the data and hash keys in DIR, the audit key and
the audit heads' signing key in DIR2 (apart from the others: whoever can rewrite the
database must not hold them), and prints the settings that point at them.

``rotate`` re-encrypts stored personal data with the newest data key. To rotate: put a
new key first in ONESTOP_DATA_KEYS (keeping the old ones after it), restart, run this
command, then drop the old keys.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.core import databases
from onestop.core.actors import Actor
from onestop.core.crypto import key_files, new_installation_keys
from onestop.identity.actions import do_reencrypt_personal_data
from onestop.messaging.actions import do_reencrypt_messages


class Command(BaseCommand):
    help = (
        "Write a production installation's keys as files (init DIR --audit-dir DIR2), print a "
        "new data key to add (new), or re-encrypt with the newest data key (rotate)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["init", "rotate", "new"])
        parser.add_argument("directory", nargs="?", help="init: where the secret, data and hash keys go.")
        parser.add_argument("--audit-dir", help="init: where the audit keys go (apart from the others).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "init":
            self._init(options["directory"], options["audit_dir"])
            return
        if options["action"] == "new":
            self.stdout.write(Fernet.generate_key().decode())
            return
        actor = Actor.system("keys rotate")
        accounts = messages = 0
        for alias in databases.aliases():  # accounts live where their tenant lives
            with databases.using(alias):
                accounts += do_reencrypt_personal_data(actor=actor)
                messages += do_reencrypt_messages(actor=actor)
        if options["verbosity"]:
            self.stdout.write(f"re-encrypted {accounts} accounts and {messages} messages with the newest key")

    def _init(self, directory: str | None, audit_directory: str | None) -> None:
        if not directory or not audit_directory:
            raise CommandError("Usage: onestop keys init DIR --audit-dir OTHER_DIR")
        keys_dir, audit_dir = Path(directory).resolve(), Path(audit_directory).resolve()
        if keys_dir == audit_dir:
            raise CommandError("The audit keys must live apart from the others: give another --audit-dir.")
        try:
            written = key_files(new_installation_keys(), keys_dir, audit_dir)
        except FileExistsError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("\n".join(f"{setting}={path}" for setting, path in written.items()))
