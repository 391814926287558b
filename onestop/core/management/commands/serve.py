"""Serve onestop with granian (WSGI, sync views)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.core.checks import STARTUP_TAGS
from onestop.core.plugins import companions


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
        parser.add_argument(
            "--tls-certificate",
            default=os.environ.get("ONESTOP_TLS_CERTIFICATE", ""),
            help="Serve HTTPS with this certificate chain (PEM) instead of plain HTTP behind a proxy.",
        )
        parser.add_argument(
            "--tls-key",
            default=os.environ.get("ONESTOP_TLS_KEY", ""),
            help="The certificate's private key (PEM, PKCS#8).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Fail closed before anything listens: a sandbox integration outside the demo, or a
        # plugin without its settings, stops the start with the checks' own words.
        self.check(tags=STARTUP_TAGS, include_deployment_checks=True)
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
            *self._tls(options),
            "onestop.wsgi:application",
        ]
        # Requests never wait on one statement for long (PostgreSQL): a 503 to retry instead.
        served = {"ONESTOP_DB_STATEMENT_TIMEOUT_MS": "15000", **os.environ}
        # Every process (granian's workers, the background worker) writes its metrics where
        # a scrape of /metrics adds them up; what the last run left is cleared.
        if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
            metrics_dir = Path(settings.VAR_DIR) / "metrics"
            shutil.rmtree(metrics_dir, ignore_errors=True)
            metrics_dir.mkdir(parents=True)
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = served["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
        scheme = "https" if options["tls_certificate"] else "http"
        self.stdout.write(f"onestop serving on {scheme}://{options['host']}:{options['port']}/")
        self.stdout.flush()
        if options["no_worker"]:
            os.execve(executable, argv, served)  # noqa: S606 - replaces this process with the server
        # The worker runs beside the server, is started again whenever it dies, and ends with it.
        server = subprocess.Popen(argv, env=served)
        supervisor = WorkerSupervisor(self._log)
        # What enabled plugins need beside the server (a payment channel's sandbox server).
        beside = [
            subprocess.Popen([sys.executable, "-m", "onestop", *args], env=served) for args in companions()
        ]

        def stop(*_: object) -> None:
            server.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while server.poll() is None:
                supervisor.tend()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    server.wait(timeout=1)
        finally:
            supervisor.stop()
            for process in beside:
                process.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=10)

    @staticmethod
    def _tls(options: dict[str, Any]) -> list[str]:
        """granian's TLS arguments: both files or neither, readable before anything listens;
        TLS 1.2 and later (older phones' web views do not all speak 1.3)."""
        certificate, key = options["tls_certificate"], options["tls_key"]
        if not certificate and not key:
            return []
        if not (certificate and key):
            raise CommandError("Give both a TLS certificate and its key, or neither.")
        for path in (certificate, key):
            if not os.access(path, os.R_OK):
                raise CommandError(f"Cannot read {path}.")
        return ["--ssl-certificate", certificate, "--ssl-keyfile", key, "--ssl-protocol-min", "tls1.2"]

    def _log(self, message: str) -> None:
        self.stderr.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} onestop serve: {message}")
        self.stderr.flush()


class WorkerSupervisor:
    """Keeps one background worker running: a worker that exits (a database restart, a
    kill) is started again after a pause that doubles with each quick death (1 s up to
    60 s) and starts over once a worker has lived for a minute. Each start and death is
    logged."""

    def __init__(self, log: Callable[[str], None]) -> None:
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self.pause = 1.0
        self.next_start = 0.0

    def tend(self) -> None:
        now = time.monotonic()
        if self.process is not None and self.process.poll() is not None:
            lived = now - self.started_at
            self.pause = 1.0 if lived >= 60 else min(60.0, self.pause * 2)
            self.log(
                f"the background worker (pid {self.process.pid}) exited with code "
                f"{self.process.returncode} after {lived:.0f} s; starting it again in {self.pause:.0f} s"
            )
            self.process, self.next_start = None, now + self.pause
        if self.process is None and now >= self.next_start:
            self.process = subprocess.Popen([sys.executable, "-m", "onestop", "worker", "-v", "0"])
            self.started_at = now
            self.log(f"background worker started (pid {self.process.pid})")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
