"""``onestop keys rotate``: re-encrypt stored personal data with the newest data key.

To rotate: put a new key first in ONESTOP_DATA_KEYS (keeping the old ones after it),
restart, run this command, then drop the old keys.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand, CommandParser

from onestop.core import databases
from onestop.core.actors import Actor
from onestop.identity.actions import do_reencrypt_personal_data
from onestop.messaging.actions import do_reencrypt_messages


class Command(BaseCommand):
    help = "Rotate field-encryption keys (rotate), or print a new key to add (new)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rotate", "new"])

    def handle(self, *args: Any, **options: Any) -> None:
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
