"""``onestop certificates revoke <number> --tenant gd --reason fraud --note "..."``: revoke a
certificate as the platform's operator (any certificate of the tenant: the command line is
for those who run the platform). The holder is told, verifiers see it revoked."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.certificates.access import access_certificate_for_operator
from onestop.certificates.actions import do_revoke
from onestop.certificates.models import RevocationReason
from onestop.core.actors import Actor
from onestop.core.errors import OnestopError
from onestop.tenancy.access import access_tenant_by_code
from onestop.tenancy.routing import tenant_database


class Command(BaseCommand):
    help = "Revoke a certificate."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        revoke = commands.add_parser("revoke", help="revoke a certificate, with a reason")
        revoke.add_argument("number", help="the certificate's number")
        revoke.add_argument("--tenant", required=True, help="the tenant's code")
        # Checked by the action, with its error code, rather than by argparse.
        revoke.add_argument("--reason", required=True, help=f"one of: {', '.join(RevocationReason.values)}")
        revoke.add_argument("--note", required=True, help="what happened (the holder reads it)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            tenant = access_tenant_by_code(options["tenant"], public_only=False)
            with tenant_database(tenant.code):
                certificate = access_certificate_for_operator(tenant, options["number"])
                revoked = do_revoke(
                    actor=Actor.system("onestop certificates revoke"),
                    certificate=certificate,
                    reason=options["reason"],
                    note=options["note"],
                )
        except OnestopError as error:
            raise CommandError(f"{error.message} ({error.code})") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Revoked {revoked.number} of tenant '{tenant.code}' ({revoked.revocation_reason}) at "
                f"{revoked.revoked_at:%Y-%m-%d %H:%M:%S %Z}: its holder is told."
            )
        )
