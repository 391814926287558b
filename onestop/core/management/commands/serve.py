"""Serve onestop with granian (WSGI, sync views)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.core.checks import INTEGRATIONS


class Command(BaseCommand):
    help = "Serve onestop over HTTP with granian (WSGI)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("ONESTOP_WORKERS", "1")),
            help="Worker processes; production runs one per core.",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start the background worker beside the server.",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("ONESTOP_THREADS", str(2 * (os.cpu_count() or 1)))),
            help="Blocking threads per worker for the sync views (default: two per core).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Fail closed before anything listens: a sandbox integration outside the demo, or a
        # plugin without its settings, stops the start with the checks' own words.
        self.check(tags=[INTEGRATIONS], include_deployment_checks=True)
        granian = Path(sys.executable).with_name("granian")
        executable = str(granian) if granian.exists() else shutil.which("granian")
        if not executable:
            raise CommandError("granian is not installed; run `make setup`.")
        argv = [
            executable,
            "--interface",
            "wsgi",
            "--host",
            options["host"],
            "--port",
            str(options["port"]),
            "--workers",
            str(options["workers"]),
            "--blocking-threads",
            str(options["threads"]),
            "--no-ws",
            "onestop.wsgi:application",
        ]
        self.stdout.write(f"onestop serving on http://{options['host']}:{options['port']}/")
        self.stdout.flush()
        if options["no_worker"]:
            os.execv(executable, argv)  # noqa: S606 - replaces this process with the server
        # The worker runs beside the server and ends with it.
        worker = subprocess.Popen([sys.executable, "-m", "onestop", "worker", "-v", "0"])
        server = subprocess.Popen(argv)

        def stop(*_: object) -> None:
            server.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            server.wait()
        finally:
            worker.terminate()
            worker.wait(timeout=10)
