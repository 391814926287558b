"""Page views leave the request at once: the request appends to this process's buffer,
and a background thread writes the buffer in batches (one INSERT of many rows a second,
or sooner when a batch fills). A failed write keeps the views for the next try, up to a
bound; the process's exit writes what is left."""

from __future__ import annotations

import atexit
import logging
import threading
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import close_old_connections

from onestop.core import databases

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class View:
    tenant_id: int
    at: datetime
    page: str
    item: str
    department: str
    visitor: str
    database: str = databases.PLATFORM  # where the tenant lives


class Recorder:
    def __init__(self, *, batch: int = 500, interval: float = 1.0, bound: int = 200_000) -> None:
        self.batch, self.interval, self.bound = batch, interval, bound
        self._lock = threading.Lock()
        self._views: list[View] = []
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.dropped = 0

    def record(self, view: View) -> None:
        """Called on the request path: an append under a lock, nothing more."""
        with self._lock:
            self._views.append(view)
            full = len(self._views) >= self.batch
        if settings.ONESTOP_ANALYTICS_BACKGROUND:
            self._ensure_thread()
            if full:
                self._wake.set()

    def pending(self) -> int:
        with self._lock:
            return len(self._views)

    def discard(self) -> None:
        with self._lock:
            self._views.clear()

    def flush(self) -> int:
        """Write everything buffered in batches; the number of views written."""
        from onestop.analytics.models import PageView

        with self._lock:
            taken, self._views = self._views, []
        if not taken:
            return 0
        by_database: dict[str, list[View]] = {}
        for view in taken:
            by_database.setdefault(view.database, []).append(view)
        written: set[str] = set()
        try:
            for alias, views in by_database.items():
                with databases.using(alias), databases.atomic():
                    PageView.objects.bulk_create(
                        (
                            PageView(
                                tenant_id=v.tenant_id,
                                at=v.at,
                                page=v.page,
                                item=v.item,
                                department=v.department,
                                visitor=v.visitor,
                            )
                            for v in views
                        ),
                        batch_size=1000,
                    )
                written.add(alias)
        except Exception:
            taken = [v for v in taken if v.database not in written]
            with self._lock:
                kept = (taken + self._views)[-self.bound :]
                self.dropped += len(taken) + len(self._views) - len(kept)
                self._views = kept
            raise
        return len(taken)

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="page-views", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        """End the writer thread after one last write."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            try:
                self.flush()
            except Exception:
                logger.exception("writing page views failed; they are kept for the next try")
            try:
                close_old_connections()
            except Exception:
                logger.exception("closing the writer's database connection failed")


recorder = Recorder()


@atexit.register
def _flush_at_exit() -> None:
    if not settings.ONESTOP_ANALYTICS_BACKGROUND:
        return  # whoever turned the writer off writes the buffer themselves (the tests)
    try:
        recorder.flush()
    except Exception:
        logger.exception("writing the last page views failed")
