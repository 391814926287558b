"""The query planner's statistics of SQLite databases, kept in step with their tables.

SQLite plans a query from the statistics ``ANALYZE`` last stored (``sqlite_stat1``) and
never refreshes them by itself. Statistics taken when a table held eight rows still say
eight when it holds millions, and the planner then reads a large table through the
wrong index (a person's open draft looked up through every application for the item:
3 ms instead of microseconds). Without any statistics it falls back to rules that suit
this schema well. So a recurring task takes them again for each table whose size moved
tenfold since they were taken, or that has grown large without any; ``ANALYZE`` reads
a bounded sample of each index (``analysis_limit``), milliseconds even for tables of
millions, so that the write lock it takes is short. PostgreSQL's autovacuum does the
same there by itself.
"""

from __future__ import annotations

import re

from onestop.core import databases

GROWTH = 10  # times more, or fewer, rows than the statistics say
LARGE = 10_000  # rows of a table worth statistics when it has none
SAMPLE = 1_000  # rows ANALYZE reads of each index (SQLite's analysis_limit)

_NUMBER = re.compile(r"\d+")


def refresh() -> list[str]:
    """The tables of the current database whose statistics were taken again (SQLite);
    none on other databases."""
    connection = databases.connection()
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        schema = cursor.fetchall()
        # A full-text index keeps its own tables (``<name>_data``, ``_idx`` ...): the
        # planner never chooses among indexes of those.
        virtual = tuple(f"{name}_" for name, sql in schema if sql.upper().startswith("CREATE VIRTUAL"))
        tables = [
            name
            for name, sql in schema
            if not sql.upper().startswith("CREATE VIRTUAL")
            and not name.startswith(virtual)
            and "WITHOUT ROWID" not in sql.upper()
        ]
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        recorded: dict[str, int] = {}
        if cursor.fetchone():
            cursor.execute("SELECT tbl, stat FROM sqlite_stat1")
            for table, stat in cursor.fetchall():
                said = _NUMBER.match(stat or "")
                if said:
                    recorded[table] = max(recorded.get(table, 0), int(said.group()))
        stale = []
        for table in tables:
            quoted = connection.ops.quote_name(table)
            # Two subqueries: each answered from the end of the table's b-tree (one MIN and
            # MAX in the same SELECT would read the whole table).
            cursor.execute(f"SELECT (SELECT MIN(rowid) FROM {quoted}), (SELECT MAX(rowid) FROM {quoted})")  # noqa: S608
            low, high = cursor.fetchone()
            rows = 0 if low is None else high - low + 1  # ids in a block: about the row count
            known = recorded.get(table)
            if (known is None and rows >= LARGE) or (
                known is not None and (rows > known * GROWTH or rows * GROWTH < known)
            ):
                stale.append(table)
        if stale:
            cursor.execute(f"PRAGMA analysis_limit = {SAMPLE}")
            for table in stale:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return stale
