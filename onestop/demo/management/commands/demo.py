"""``onestop demo``: load the demo province once; later runs leave it as it is."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from onestop.demo.accounts import DEMO_PASSWORD, demo_accounts, sample_residents
from onestop.demo.generator import DEFAULT_SEED, build_province
from onestop.demo.loader import SANDBOX_CITIZENS, demo_is_loaded, load_province, load_sandbox


class Command(BaseCommand):
    help = "Load the demo province (tenant 'gd') with its regions, departments and catalogue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help="Same seed, same data (default %(default)s).")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        province = build_province(options["seed"])
        if not demo_is_loaded(settings.ONESTOP_SANDBOX_TENANT):
            load_sandbox(options["seed"])
            self.stdout.write(f"Loaded the developer sandbox '{settings.ONESTOP_SANDBOX_TENANT}'.")
        if demo_is_loaded(province.code):
            self.stdout.write(
                f"Demo tenant '{province.code}' is already loaded; leaving it as it is."
            )
            return
        with tqdm(total=len(province.items), desc="service items", unit="item",
                  disable=options["verbosity"] == 0, file=sys.stderr) as bar:  # fmt: skip
            last = 0

            def advance(done: int) -> None:
                nonlocal last
                bar.update(done - last)
                last = done

            tenant = load_province(province, progress=advance)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded demo tenant '{tenant.code}': {len(province.items)} service items, "
                f"{len(province.departments)} departments, {len(province.regions)} regions, "
                f"10000 sandbox residents."
            )
        )
        self.print_accounts(province.code)

    def print_accounts(self, tenant: str) -> None:
        """The documented demo accounts: demo data, for trying each role."""
        lines = [
            "",
            f"Demo accounts (password {DEMO_PASSWORD}); log in at /{tenant}/accounts/login/:",
        ]
        lines += [f"  {spec.phone}  {role}" for role, spec in demo_accounts()]
        lines.append(
            "Demo residents of the sandbox population registry, to verify a new account to L3:"
        )
        lines += [f"  {name}  {number}" for name, number in sample_residents()]
        lines.append(f"Sandbox SMS (codes sent by the demo): /{tenant}/dev/sms/")
        lines.append(
            f"Developer portal: /developers/ (log in as the partner developer); the sandbox "
            f"tenant '{settings.ONESTOP_SANDBOX_TENANT}' has test citizens "
            + ", ".join(phone for phone, _name in SANDBOX_CITIZENS)
        )
        self.stdout.write("\n".join(lines))
