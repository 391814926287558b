"""``onestop createoperator --phone NUMBER``: the first platform operator of a new
installation (production starts with no account at all). The password is asked twice
on a terminal, or read from ONESTOP_OPERATOR_PASSWORD for unattended set-ups; it must
pass the password rules."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from onestop.core.actors import Actor
from onestop.core.errors import OnestopError
from onestop.core.prompts import ask_secret
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
        password = ask_secret("ONESTOP_OPERATOR_PASSWORD", "Password", confirm=True)
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
