"""``onestop createoperator --phone NUMBER``: the first platform operator of a new
installation (production starts with no account at all). The password is asked twice
on a terminal, or read from ONESTOP_OPERATOR_PASSWORD for unattended set-ups; it must
pass the password rules."""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from onestop.core.actors import Actor
from onestop.core.errors import OnestopError
from onestop.identity.actions import AccountSpec, do_provision_account
from onestop.identity.actions.accounts import check_new_password
from onestop.identity.kinds import AccountKind, RoleKind


class Command(BaseCommand):
    help = "Create a platform operator (the first account of a production installation)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--phone", required=True, help="The operator's mobile number (their login).")
        parser.add_argument("--name", default="", help="The name shown for the account.")

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("en")  # an operator's terminal; the source language
        password = os.environ.get("ONESTOP_OPERATOR_PASSWORD") or self._ask_password()
        spec = AccountSpec(
            phone=options["phone"],
            password=password,
            kind=AccountKind.PLATFORM_OPERATOR,
            display_name=options["name"],
            roles=((RoleKind.PLATFORM_OPERATOR, ""),),
        )
        try:
            check_new_password(password)
            user = do_provision_account(actor=Actor.system("createoperator"), tenant=None, spec=spec)
        except OnestopError as error:
            raise CommandError(f"{error.code}: {error.message}") from error
        if options["verbosity"]:
            self.stdout.write(f"Platform operator {user.phone_masked} created; log in at /platform/.")

    def _ask_password(self) -> str:
        if not sys.stdin.isatty():
            raise CommandError("No terminal to ask the password on: set ONESTOP_OPERATOR_PASSWORD.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The passwords differ.")
        return first
