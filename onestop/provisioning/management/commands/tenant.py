"""``onestop tenant``: provision and list tenants.

``onestop tenant create --from-template gd --region 430000 --code hn --name 湖南省`` makes
a new province in one step: its cities and counties from the official table (GB/T 2260),
the template's departments and catalogue renamed after them. Without ``--region`` the new
tenant is a copy of the template under the template's names.
"""

from __future__ import annotations

import secrets
import sys
import time
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from onestop.core.actors import Actor
from onestop.core.errors import OnestopError
from onestop.identity.actions import AccountSpec, do_provision_account
from onestop.provisioning.renaming import Renamed
from onestop.provisioning.replicate import do_replicate_tenant
from onestop.tenancy.access import all_tenants
from onestop.tenancy.actions import do_create_tenant, do_move_tenant
from onestop.tenancy.divisions import province_division, region_specs_of

if TYPE_CHECKING:
    from onestop.tenancy.models import Tenant


class Command(BaseCommand):
    help = "Provision a tenant from a template tenant, or list the tenants."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        create = commands.add_parser(
            "create", help="a new tenant: from a template tenant, or an empty one of a province's regions"
        )
        create.add_argument(
            "--from-template",
            default=None,
            dest="template",
            help="the template tenant's code; without it, an empty tenant (--region required)",
        )
        create.add_argument(
            "--code", required=True, help="the new tenant's code (the first segment of its URLs)"
        )
        create.add_argument("--name", required=True, help="the new tenant's official name")
        create.add_argument("--name-en", default="", help="its English name")
        create.add_argument(
            "--region",
            default=None,
            help="the province's GB/T 2260 code (430000): its cities and counties, and the "
            "template's names and item codes made its own; without it, the template's",
        )
        create.add_argument(
            "--kind", default="province", choices=["province", "city", "enterprise", "sandbox"]
        )
        create.add_argument(
            "--operator-phone",
            default="",
            help="a mobile number: its tenant operator account, with a password shown once",
        )
        commands.add_parser("list", help="every tenant with its kind and database")
        move = commands.add_parser("move", help="move a tenant, all its rows, to another database")
        move.add_argument("code", help="the tenant's code")
        move.add_argument(
            "--to", required=True, dest="target", help="the database's alias (ONESTOP_DATABASES)"
        )
        move.add_argument(
            "--settle",
            type=float,
            default=None,
            help="seconds to wait, the tenant marked as moving, before copying (default 10)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "list":
            for tenant in all_tenants():
                self.stdout.write(f"{tenant.code}\t{tenant.kind}\t{tenant.database}\t{tenant.name}")
            return
        if options["subcommand"] == "move":
            self._move(options)
            return
        started = time.monotonic()
        with tqdm(
            desc="service items", unit="item", disable=options["verbosity"] == 0, file=sys.stderr
        ) as bar:
            last = 0

            def advance(done: int) -> None:
                nonlocal last
                bar.update(done - last)
                last = done

            def renamed(result: Renamed) -> None:
                regions = result.content.regions
                self.stdout.write(
                    f"Regions of {regions[0].name} ({regions[0].code}): {result.cities} cities, "
                    f"{result.counties} counties in the places of the template's."
                )
                if result.counties_left_out:
                    self.stdout.write(
                        f"Left out {len(result.counties_left_out)} of the template's counties, which "
                        f"have none in their place, with their {len(result.departments_left_out)} "
                        f"departments: {'、'.join(result.counties_left_out)}."
                    )

            try:
                if options["template"] is None:
                    tenant = self._empty(options)
                else:
                    tenant = do_replicate_tenant(
                        actor=Actor.system("onestop tenant create"),
                        template=options["template"],
                        code=options["code"],
                        name=options["name"],
                        name_en=options["name_en"],
                        kind=options["kind"],
                        region=options["region"],
                        progress=advance,
                        report=renamed,
                    )
            except OnestopError as error:
                raise CommandError(f"{error.message} ({error.code})") from None
        if phone := options["operator_phone"]:
            password = secrets.token_urlsafe(12)
            try:
                do_provision_account(
                    actor=Actor.system("onestop tenant create"),
                    tenant=tenant,
                    spec=AccountSpec(
                        phone=phone,
                        password=password,
                        kind="staff",
                        display_name="运营",
                        roles=(("tenant_operator", ""),),
                    ),
                )
            except OnestopError as error:
                raise CommandError(
                    f"The tenant is there; its operator is not: {error.message} ({error.code})"
                ) from None
            self.stdout.write(
                f"Tenant operator {phone}, password {password} (shown once: change it after logging in "
                f"at /{tenant.code}/accounts/login/)."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Created tenant '{tenant.code}' from '{options['template'] or options['region']}' in "
                f"{time.monotonic() - started:.1f} s: "
                f"its portal is /{tenant.code}/."
            )
        )

    def _empty(self, options: dict[str, Any]) -> Tenant:
        """A tenant with the province's cities and counties and nothing else yet: its
        operator imports departments and the catalogue."""
        if not options["region"]:
            raise CommandError("Give --from-template, or --region for an empty tenant of that province.")
        return do_create_tenant(
            actor=Actor.system("onestop tenant create"),
            code=options["code"],
            name=options["name"],
            name_en=options["name_en"],
            kind=options["kind"],
            regions=region_specs_of(province_division(options["region"])),
        )

    def _move(self, options: dict[str, Any]) -> None:
        started = time.monotonic()

        def report(table: str, rows: int) -> None:
            if options["verbosity"] > 0:
                self.stderr.write(f"  {table}: {rows} rows")

        try:
            tenant = do_move_tenant(
                actor=Actor.system("onestop tenant move"),
                code=options["code"],
                target=options["target"],
                settle=options["settle"],
                report=report,
            )
        except OnestopError as error:
            raise CommandError(f"{error.message} ({error.code})") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Moved tenant '{tenant.code}' to database '{tenant.database}' in {time.monotonic() - started:.1f} s."
            )
        )
