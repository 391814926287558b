"""SQLite with writers taking turns through a lock that the kernel hands over.

A write transaction (``BEGIN IMMEDIATE``, settings) holds SQLite's one write lock from its
start. A writer that finds it taken is left to SQLite's busy handler, which sleeps in
steps of up to 100 ms and tries again: under load the lock stays free for most of those
sleeps while writers wait, and a submission waited up to 1.7 s (p99) at 80 a second.
Here each write transaction first takes its turn on a lock file beside the database
(``<database>-writer``, ``flock``), which the kernel hands to the next waiter the moment
the holder lets go, across threads and processes alike; SQLite's own lock is then free
when the transaction begins. The kernel drops the lock of a process that dies, so a
writer killed mid-transaction holds up nobody.

A writer waits for its turn as long as SQLite's busy timeout (``OPTIONS["timeout"]``)
and then fails as SQLite would ("database is locked"): the wait runs in a helper thread,
and a turn that comes after the caller gave up is passed on at once.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from typing import Any

from django.db.backends.sqlite3 import base

DEFAULT_TIMEOUT = 5.0  # SQLite's own default busy timeout, in seconds


class DatabaseWrapper(base.DatabaseWrapper):
    _turn: int | None = None  # the lock file's descriptor while this connection holds the turn

    def _start_transaction_under_autocommit(self) -> None:
        self._take_turn()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # not in the stubs
        except BaseException:
            self._end_turn()
            raise

    def _commit(self) -> Any:
        try:
            return super()._commit()  # type: ignore[misc]
        finally:
            self._end_turn()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._end_turn()

    def _close(self) -> Any:
        try:
            return super()._close()  # type: ignore[misc]
        finally:
            self._end_turn()

    def _lock_path(self) -> str | None:
        name = str(self.settings_dict["NAME"] or "")
        if not name or self.is_in_memory_db():
            return None
        return f"{name}-writer"

    def _take_turn(self) -> None:
        path = self._lock_path()
        if path is None or self._turn is not None:
            return
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            timeout = float(self.settings_dict["OPTIONS"].get("timeout", DEFAULT_TIMEOUT))
            if not _wait_for_turn(descriptor, timeout):
                with self.wrap_database_errors:
                    raise sqlite3.OperationalError("database is locked") from None
        except BaseException:
            os.close(descriptor)
            raise
        self._turn = descriptor

    def _end_turn(self) -> None:
        descriptor, self._turn = self._turn, None
        if descriptor is not None:
            os.close(descriptor)  # closing the last descriptor of the lock lets it go


def _wait_for_turn(descriptor: int, timeout: float) -> bool:
    """Block on the lock in a helper thread for at most ``timeout`` seconds; whether the
    turn came. A turn that comes later is let go by the helper (and the descriptor
    closed there)."""
    decided = threading.Condition()
    state = {"got": False, "abandoned": False}

    def wait() -> None:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        with decided:
            if state["abandoned"]:
                os.close(descriptor)
                return
            state["got"] = True
            decided.notify()

    threading.Thread(target=wait, name="sqlite-writer-turn", daemon=True).start()
    with decided:
        if not decided.wait_for(lambda: state["got"], timeout):
            state["abandoned"] = True
            return False
    return True
