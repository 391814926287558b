"""``onestop loadgen``: fill a tenant with the seed hub's scale of synthetic data."""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from onestop.core.errors import NotFound
from onestop.tenancy.access import access_tenant_by_code
from onestop.tenancy.routing import tenant_database
from onestop_dev.bulk.loading import analyze
from onestop_dev.demo.generator import DEFAULT_SEED
from onestop_dev.loadgen import grow_catalogue, load


def _count(value: str) -> int:
    number = int(value.replace("_", ""))
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Add synthetic real-name citizens and cases to a tenant (and local implementations "
        "of its items), at up to the seed hub's scale: --users 15000000 --cases 10000000."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", default="gd", help="Tenant code (default %(default)s).")
        parser.add_argument(
            "--users", type=_count, default=10_000, help="Citizens to add (default %(default)s)."
        )
        parser.add_argument(
            "--cases", type=_count, default=10_000, help="Cases to add (default %(default)s)."
        )
        parser.add_argument(
            "--items",
            type=_count,
            default=0,
            help="Grow the catalogue to this many published items (default: leave it).",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Same seed, same data.")
        parser.add_argument(
            "--batch",
            type=_count,
            default=20_000,
            help="Rows per transaction (default %(default)s).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Processes building rows (default: one per core; 0: none).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            tenant = access_tenant_by_code(options["tenant"], public_only=False)
        except NotFound:
            raise CommandError(
                f"No tenant '{options['tenant']}': load the demo (onestop demo) or create one."
            ) from None
        # Stopped with SIGTERM like with Ctrl-C: what was loaded stays, the indexes set
        # aside for the load are built again on the way out.
        before = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        quiet = options["verbosity"] == 0
        started = time.monotonic()
        bars: list[tqdm[Any]] = []

        def progress(what: str, total: int) -> Callable[[int], None]:
            bar = tqdm(
                total=total,
                desc=what,
                unit=" rows",
                unit_scale=True,
                disable=quiet,
                file=sys.stderr,
            )
            bars.append(bar)
            return bar.update

        placed = ExitStack()  # the load runs on the database the tenant lives on
        placed.enter_context(tenant_database(tenant.code))
        try:
            if options["items"]:
                added = grow_catalogue(tenant, options["items"], progress("items", options["items"]))
                bars[-1].total = added
                bars[-1].refresh()
            load(
                tenant,
                users=options["users"],
                cases=options["cases"],
                today=timezone.localdate(),
                seed=options["seed"],
                workers=options["workers"],
                batch=max(1, options["batch"]),
                progress=progress,
            )
            if options["items"] or options["users"] or options["cases"]:
                analyze()  # the planner's statistics, for tables many times larger
        except ValueError as error:
            raise CommandError(str(error)) from None
        finally:
            placed.close()
            for bar in bars:
                bar.close()
            signal.signal(signal.SIGTERM, before)  # called from other code, it leaves no trace
        self.stdout.write(
            self.style.SUCCESS(
                f"Tenant '{tenant.code}': added {options['users']} citizens and {options['cases']} cases "
                f"in {time.monotonic() - started:.0f} s."
            )
        )
