"""``onestop payments check [--tenant gd]``: prove every tenant's books from their entries
(each transaction balances, each bill is in the state its entries say); exit status 1
when anything does not hold."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.core.errors import OnestopError
from onestop.payments.ledger import check
from onestop.tenancy.access import access_tenant_by_code
from onestop.tenancy.models import Tenant
from onestop.tenancy.routing import tenant_database


class Command(BaseCommand):
    help = "Check the payments ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        checking = commands.add_parser(
            "check", help="prove that the books balance and bills match their entries"
        )
        checking.add_argument("--tenant", help="one tenant's code (default: every tenant)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["tenant"]:
            try:
                tenants = [access_tenant_by_code(options["tenant"], public_only=False)]
            except OnestopError as error:
                raise CommandError(f"{error.message} ({error.code})") from None
        else:
            tenants = list(Tenant.objects.order_by("code"))
        problems = 0
        for tenant in tenants:
            with tenant_database(tenant.code):
                found = check(tenant)
            for problem in found.problems:
                self.stderr.write(f"{tenant.code}: {problem}")
            problems += len(found.problems)
            self.stdout.write(
                f"{tenant.code}: {found.transactions} transactions, {found.bills} bills: "
                + ("balanced" if found.ok else f"{len(found.problems)} problems")
            )
        if problems:
            raise CommandError(f"{problems} problems in the ledger")
        self.stdout.write(
            self.style.SUCCESS("Every transaction balances and every bill matches its entries.")
        )
