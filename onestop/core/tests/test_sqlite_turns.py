"""SQLite writers take turns on a lock file (``core.sqlite``): a writer waits for the one
before it and begins when it ends, and gives up as SQLite's busy timeout would."""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError

from onestop.core.sqlite.base import DatabaseWrapper


def _database(path: Path, timeout: float = 5.0) -> DatabaseWrapper:
    return DatabaseWrapper(
        {
            "ENGINE": "onestop.core.sqlite",
            "NAME": str(path),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout},
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "TIME_ZONE": None,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        },
        alias="turns",
    )


def _begin(database: DatabaseWrapper) -> None:
    database.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def _end(database: DatabaseWrapper, *, commit: bool = True) -> None:
    database.commit() if commit else database.rollback()
    database.set_autocommit(True)


def _rows(database: DatabaseWrapper) -> list[Any]:
    with database.cursor() as cursor:
        cursor.execute("SELECT who FROM t ORDER BY rowid")
        return [who for (who,) in cursor.fetchall()]


# Marked as database tests, which run before the browser tests: those leave an event loop
# running in the main thread, where Django then refuses database work.
pytestmark = pytest.mark.django_db


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """A database file of the test's own (the suite's test databases live in memory,
    where there is no file to take turns on)."""
    database = _database(tmp_path / "db.sqlite3")
    with database.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("CREATE TABLE t (who TEXT)")
    database.close()
    return tmp_path / "db.sqlite3"


def test_a_writer_begins_when_the_one_before_it_ends(path: Path) -> None:
    first = _database(path)
    _begin(first)
    assert _turn_taken(path)
    with first.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES ('first')")
    waiting, began = threading.Event(), threading.Event()
    seen: list[Any] = []

    def write() -> None:
        second = _database(path)  # a connection belongs to its thread
        waiting.set()
        _begin(second)  # waits for its turn
        began.set()
        seen.extend(_rows(second))
        with second.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES ('second')")
        _end(second)
        second.close()

    writer = threading.Thread(target=write)
    writer.start()
    assert waiting.wait(10)
    assert not began.wait(0.2)  # the first still holds the turn
    _end(first)
    writer.join(10)
    assert began.is_set() and seen == ["first"]  # it began after the first had committed
    assert _rows(first) == ["first", "second"]
    assert not _turn_taken(path)  # each let it go when it ended
    first.close()


def _turn_taken(path: Path) -> bool:
    probe = os.open(f"{path}-writer", os.O_RDWR)
    try:
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(probe)
    return False


def test_a_writer_gives_up_after_the_timeout_and_the_turn_goes_on(path: Path) -> None:
    holder = os.open(f"{path}-writer", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(holder, fcntl.LOCK_EX)  # another process's writer, holding on
    patient = _database(path, timeout=0.3)
    with pytest.raises(OperationalError, match="database is locked"):
        _begin(patient)
    patient.set_autocommit(True)
    os.close(holder)  # the other writer ends: the turn given up is passed on, not kept
    _begin(patient)
    with patient.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES ('after')")
    _end(patient)
    other = _database(path, timeout=0.3)
    _begin(other)  # nobody holds the turn any more
    _end(other, commit=False)
    assert _rows(other) == ["after"]
    patient.close()
    other.close()
