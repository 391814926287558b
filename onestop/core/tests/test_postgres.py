"""A PostgreSQL server that stops answering cannot hold a request: every exchange on a
served connection is bounded, and the connection is closed when the bound runs out."""

from __future__ import annotations

import os

import pytest

from onestop.core import postgres

URL = os.environ.get("DATABASE_URL", "")


def test_the_answer_timeout_follows_the_statement_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(postgres.ANSWER_TIMEOUT_VARIABLE, raising=False)
    assert postgres.answer_timeout("15000") == 16
    assert postgres.answer_timeout("") is None  # commands: no bound
    assert postgres.answer_timeout("0") is None  # statement timeout off: no bound either
    monkeypatch.setenv(postgres.ANSWER_TIMEOUT_VARIABLE, "2.5")
    assert postgres.answer_timeout("15000") == 2.5
    assert postgres.answer_timeout("") is None  # only served processes are bounded


@pytest.mark.skipif(not URL, reason="needs PostgreSQL (the PostgreSQL suite)")
def test_a_server_that_does_not_answer_closes_the_connection_in_time() -> None:
    import psycopg

    bounded = postgres.connection_class(0.5)
    with bounded.connect(URL, autocommit=True) as conn:
        # The server's own limit is lifted, as a frozen server's would be powerless.
        conn.execute("SET statement_timeout = 0")
        assert conn.execute("SELECT pg_sleep(0.1), 1").fetchone() == ("", 1)
        with pytest.raises(psycopg.OperationalError, match=r"did not answer within 0\.5 s"):
            conn.execute("SELECT pg_sleep(5)")
        assert conn.closed
    assert postgres.connection_class(None) is psycopg.Connection
