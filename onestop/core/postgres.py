"""PostgreSQL connections that give up on a database that stops answering.

A server that is slow cancels its own statements (``statement_timeout``); a server that is
frozen — paused, swapped out, behind a dead network path whose kernel still acknowledges —
cannot, and libpq has no read timeout, so a request holding a pooled connection would wait
for as long as the freeze lasts. These connections wait at most ``answer_timeout`` seconds
for any one exchange with the server (a query, a commit, a rollback), then close: the
request gets a 503 to retry, and the pool replaces the connection.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

import psycopg
from psycopg import errors

#: Seconds to wait for one answer, from ``ONESTOP_DB_ANSWER_TIMEOUT``; none when unset.
ANSWER_TIMEOUT_VARIABLE = "ONESTOP_DB_ANSWER_TIMEOUT"


def answer_timeout(statement_timeout_ms: str) -> float | None:
    """For processes whose statements have a timeout (the served ones): the configured
    answer timeout, or one second more than the statement timeout (the server's own limit
    comes first whenever it can act). None otherwise: commands (migrations, backups,
    moves) wait for as long as their work takes."""
    if not statement_timeout_ms or int(statement_timeout_ms) <= 0:
        return None
    configured = os.environ.get(ANSWER_TIMEOUT_VARIABLE, "")
    return float(configured) if configured else int(statement_timeout_ms) / 1000 + 1


class AnsweringConnection(psycopg.Connection[Any]):
    """A psycopg connection whose every wait on the server is bounded by ``answer_timeout``."""

    answer_timeout: float | None = None

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        if timeout is not None or self.answer_timeout is None:
            return super().wait(gen, interval=interval, timeout=timeout)  # the caller's own bound
        try:
            return super().wait(gen, interval=interval, timeout=self.answer_timeout)
        except errors._WaitTimeout:
            # The exchange stopped half-way: the server is asked to cancel the statement
            # (briefly: a frozen server does not answer that either), and the connection,
            # in an unknown state, is closed (the pool discards closed connections).
            with contextlib.suppress(errors.Error):  # a courtesy: closing is what counts
                self.cancel_safe(timeout=1.0)
            self.pgconn.finish()
            raise errors.OperationalError(
                f"the database did not answer within {self.answer_timeout:g} s; connection closed"
            ) from None


def connection_class(seconds: float | None) -> type[psycopg.Connection[Any]]:
    """The connection class for a pool: bounded when ``seconds`` is set."""
    if seconds is None:
        return psycopg.Connection
    return type("AnsweringConnection", (AnsweringConnection,), {"answer_timeout": seconds})
