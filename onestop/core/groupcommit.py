"""Group commit on SQLite: actions that arrive while another commits share the next commit.

On SQLite a durable commit (WAL, ``synchronous=FULL``) waits for the disk to flush, and
the database has one writer: with every action committing on its own, the write lock is
held through one flush per action. Here a thread that finds its database's line busy
queues its work; when the running group has committed, the first thread queued leads
the next group: it opens one transaction, runs every queued work in a savepoint of its
own (a work that fails takes back only its own writes, and its caller is given its
error), commits once, and only then hands each caller its result. Nobody is answered
before the commit that holds their writes is durable; a commit that fails fails every
work of its group, and none of their writes remain.

The works run in the leader's thread, on its connection, each in its caller's context
(``contextvars``: the database in use, the language). A work is an action's writes
without its transaction: it opens none of its own but savepoints (``databases.atomic``).

On PostgreSQL, which flushes concurrent commits together itself and lets many writers
run at once, and inside a transaction already open (a test's), a work runs in a durable
transaction of its own in its caller's thread: the same code, grouped or not.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, connections
from prometheus_client import Histogram

from onestop.core import databases
from onestop.core.sqlite import is_sqlite

T = TypeVar("T")

MAX_GROUP = 64  # works committed together at most (a group's transaction stays short)

GROUP_SIZE = Histogram(
    "onestop_group_commit_size",
    "Actions committed together by one durable SQLite commit",
    buckets=(1, 2, 4, 8, 16, 32, 64),
)


class _Work:
    __slots__ = ("context", "error", "finished", "lead", "result", "run", "wake")

    def __init__(self, run: Callable[[], Any]) -> None:
        self.run = run
        self.context = contextvars.copy_context()
        self.wake = threading.Event()
        self.lead = False  # this work's thread leads the next group
        self.finished = False
        self.result: Any = None
        self.error: BaseException | None = None

    def outcome(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.result


class _Line:
    """The works waiting on one database, and whether a group is being committed."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.queue: list[_Work] = []
        self.busy = False


_lines: dict[str, _Line] = {}
_lines_lock = threading.Lock()


def _line(alias: str) -> _Line:
    with _lines_lock:
        return _lines.setdefault(alias, _Line())


def waiting(alias: str) -> int:
    """How many works wait on ``alias`` for a group to take them."""
    line = _line(alias)
    with line.lock:
        return len(line.queue)


def commit_grouped(work: Callable[[], T]) -> T:
    """Run ``work`` (an action's writes) in a durable transaction on the current database,
    shared with the works that wait beside it on SQLite, and give its result once that
    transaction has committed; its exception, with none of its writes kept, if it raised
    or the commit failed."""
    alias = databases.current()
    if not is_sqlite(settings.DATABASES[alias]["ENGINE"]) or connections[alias].in_atomic_block:
        with databases.action():
            return work()
    line = _line(alias)
    mine = _Work(work)
    with line.lock:
        line.queue.append(mine)
        leading = not line.busy
        line.busy = True
    if not leading:
        try:
            mine.wake.wait()
        except BaseException:
            _leave(line, mine)  # interrupted while waiting: out of the line, the lead passed on
            raise
        if mine.finished:
            return mine.outcome()
    _lead(line)
    return mine.outcome()


def _leave(line: _Line, work: _Work) -> None:
    """Take a work whose caller stopped waiting out of the line, unless a group took it
    already; if the lead had been handed to it, hand it on."""
    with line.lock:
        if work in line.queue:
            line.queue.remove(work)
            if work.lead:
                _hand_on(line)


def _lead(line: _Line) -> None:
    """Commit the works waiting at the head of the line (this thread's among them), then
    hand the line to the first work that came after them, or leave it free."""
    with line.lock:
        group, line.queue = line.queue[:MAX_GROUP], line.queue[MAX_GROUP:]
    try:
        with databases.action():
            if len(group) == 1:
                work = group[0]
                work.result = work.context.run(work.run)  # its error is the transaction's
            else:
                for work in group:
                    try:
                        with databases.atomic():
                            work.result = work.context.run(work.run)
                    except Exception as error:  # taken back to its savepoint; the others go on
                        work.error, work.result = error, None
                    if databases.connection().needs_rollback:
                        # The savepoint could not be rolled back (SQLite undid the whole
                        # transaction after an I/O error, say): nothing of the group stands.
                        raise DatabaseError("the group's transaction was lost")
    except BaseException as error:  # not committed: nobody's writes were kept
        for work in group:
            if work.error is None:
                work.error, work.result = error, None
    finally:
        GROUP_SIZE.observe(len(group))
        for work in group:
            work.finished = True
            work.wake.set()
        with line.lock:
            _hand_on(line)


def _hand_on(line: _Line) -> None:
    """The line to the first work waiting, or free (called holding the line's lock)."""
    if line.queue:
        following = line.queue[0]
        following.lead = True
        following.wake.set()
    else:
        line.busy = False
