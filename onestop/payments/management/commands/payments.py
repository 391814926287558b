"""``onestop payments check [--tenant gd]``: prove every tenant's books from their entries
(each transaction balances, each bill is in the state its entries say); exit status 1
when anything does not hold.

``onestop payments sandbox wechatpay``: run the WeChat Pay sandbox server on the address
of ONESTOP_WECHATPAY_SANDBOX_URL (127.0.0.1 only) until stopped; the demo's ``serve``
starts it while the sandbox channel is enabled."""

from __future__ import annotations

import signal
import threading
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
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
        sandbox = commands.add_parser("sandbox", help="run a payment channel's sandbox server on 127.0.0.1")
        sandbox.add_argument("channel", choices=["wechatpay"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "sandbox":
            self._sandbox()
            return
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

    def _sandbox(self) -> None:
        from onestop.payments.sandbox.keys import wechatpay_keys
        from onestop.payments.sandbox.wechatpay import SandboxServer, WeChatPaySandbox

        address = urlsplit(settings.ONESTOP_WECHATPAY_SANDBOX_URL)
        if address.hostname not in ("127.0.0.1", "localhost") or not address.port:
            raise CommandError("ONESTOP_WECHATPAY_SANDBOX_URL must be http://127.0.0.1:<port>")
        try:
            server = SandboxServer(WeChatPaySandbox(wechatpay_keys()), address.port)
        except OSError as error:
            raise CommandError(f"the WeChat Pay sandbox cannot listen on {address.port}: {error}") from None
        stopped = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
        signal.signal(signal.SIGINT, lambda *_: stopped.set())
        server.start()
        self.stdout.write(f"WeChat Pay sandbox (no money moves) on {server.sandbox.base_url}/")
        self.stdout.flush()
        stopped.wait()
        server.stop()
