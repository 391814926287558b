"""``onestop demo``: load the demo province once; later runs leave it as it is."""

from __future__ import annotations

import sys
import time
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from tqdm import tqdm

from onestop.analytics.access import daily_traffic
from onestop.analytics.actions import do_import_traffic_history
from onestop.catalogue.access import catalogue_specs
from onestop.provisioning.replicate import do_replicate_tenant
from onestop.tenancy.access import access_tenant_by_code
from onestop.tenancy.routing import tenant_database
from onestop_dev.demo.accounts import (
    DEMO_ACTOR,
    DEMO_PASSWORD,
    demo_accounts,
    residents_to_verify_with,
)
from onestop_dev.demo.generator import DEFAULT_SEED, build_province
from onestop_dev.demo.loader import (
    SANDBOX_CITIZENS,
    demo_is_loaded,
    load_province,
    load_sandbox,
)
from onestop_dev.demo.traffic import build_traffic

if TYPE_CHECKING:
    from onestop.catalogue.specs import ServiceItemSpec
    from onestop.tenancy.models import Tenant

# Two more provinces provisioned from the demo province, side by side with it: real ones
# (code, name, English name, GB/T 2260 code), each with its own cities, counties,
# department names and item codes, in the places of the demo province's. Each must have
# at least the demo province's six cities (Hainan, with four, could not be one).
REPLICAS = (
    ("nl", "湖南省（演示）", "Hunan (demo)", "430000"),
    ("dh", "浙江省（演示）", "Zhejiang (demo)", "330000"),
)


class Command(BaseCommand):
    help = "Load the demo province (tenant 'gd') with its regions, departments and catalogue."
    requires_system_checks: list[str] = []  # nothing serves yet: `serve` checks before it listens

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Same seed, same data (default %(default)s)."
        )
        parser.add_argument(
            "--serve",
            action="store_true",
            help="Then serve, as `onestop serve` does (its port from PORT), without starting again.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        province = build_province(options["seed"])
        if not demo_is_loaded(settings.ONESTOP_SANDBOX_TENANT):
            load_sandbox(options["seed"])
            self.stdout.write(f"Loaded the developer sandbox '{settings.ONESTOP_SANDBOX_TENANT}'.")
        if demo_is_loaded(province.code):
            self.stdout.write(f"Demo tenant '{province.code}' is already loaded; leaving it as it is.")
        else:
            with tqdm(
                total=len(province.items),
                desc="service items",
                unit="item",
                disable=options["verbosity"] == 0,
                file=sys.stderr,
            ) as bar:
                last = 0

                def advance(done: int) -> None:
                    nonlocal last
                    bar.update(done - last)
                    last = done

                started = time.monotonic()

                def step(what: str) -> None:
                    if options["verbosity"]:
                        bar.write(f"  {time.monotonic() - started:5.1f} s  {what}", file=sys.stderr)

                tenant = load_province(province, progress=advance, step=step)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded demo tenant '{tenant.code}': {len(province.items)} service items, "
                    f"{len(province.departments)} departments, {len(province.regions)} regions, "
                    f"10000 sandbox residents."
                )
            )
        for code, name, name_en, region in REPLICAS:
            if not demo_is_loaded(code):
                do_replicate_tenant(
                    actor=DEMO_ACTOR,
                    template=province.code,
                    code=code,
                    name=name,
                    name_en=name_en,
                    region=region,
                )
                self.stdout.write(f"Provisioned '{code}' ({name}) from the template '{province.code}'.")
        today = timezone.localdate()
        for code, scale in (
            (province.code, 1.0),
            *((c, 0.3 / (n + 1)) for n, (c, *_rest) in enumerate(REPLICAS)),
        ):
            tenant = access_tenant_by_code(code)
            if _traffic_counted_until(tenant, today - timedelta(days=1)):
                continue  # a run earlier today (or the worker) counted it already
            # A replica's items and departments have codes of their own: its traffic names them.
            items = province.items if code == province.code else _published_items(tenant)
            do_import_traffic_history(
                actor=DEMO_ACTOR,
                tenant=tenant,
                days=build_traffic(items, today=today, scale=scale, seed=options["seed"]),
            )
        self.print_accounts(province.code)
        if options["serve"]:
            call_command("serve")

    def print_accounts(self, tenant: str) -> None:
        """The documented demo accounts: demo data, for trying each role."""
        lines = [
            "",
            f"Demo accounts (password {DEMO_PASSWORD}); log in at /{tenant}/accounts/login/:",
        ]
        lines += [f"  {spec.phone}  {role}" for role, spec in demo_accounts()]
        lines.append(
            "Demo residents of the sandbox population registry nobody has verified with yet, "
            "to verify a new account to L3:"
        )
        with tenant_database(tenant):
            residents = residents_to_verify_with(access_tenant_by_code(tenant))
        lines += [f"  {name}  {number}" for name, number in residents]
        lines.append(
            f"Sandbox SMS: a code shows on the page that asked for it; staff read the "
            f"outbox at /{tenant}/dev/sms/ (codes blotted out but their own)"
        )
        lines.append(
            f"Developer portal: /developers/ (log in as the partner developer); the sandbox "
            f"tenant '{settings.ONESTOP_SANDBOX_TENANT}' has test citizens "
            + ", ".join(phone for phone, _name in SANDBOX_CITIZENS)
        )
        self.stdout.write("\n".join(lines))


def _traffic_counted_until(tenant: Tenant, day: date) -> bool:
    with tenant_database(tenant.code):
        return any(views for _day, views, _visitors in daily_traffic(tenant, day, day))


def _published_items(tenant: Tenant) -> list[ServiceItemSpec]:
    with tenant_database(tenant.code):
        return catalogue_specs(tenant)[1]
