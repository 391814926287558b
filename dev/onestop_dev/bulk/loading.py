"""Loading millions of synthetic rows fast, for `onestop loadgen` and the benchmark.

Rows are built as unsaved model instances by the apps' own code (``row_of`` turns one into
the values ``save`` would write, in ``columns_of`` order), so a storage rule is written
once. They are plain tuples in that column order: SQLite takes them through ``executemany``
on its own connection, PostgreSQL through ``COPY``; each batch is its own transaction, so
a load that stops keeps what it committed. Ids are reserved up front (the next free ones)
so that rows can refer to each other without reading them back; PostgreSQL's sequences are
moved past them at the end. Rows are built in worker processes (forked, so they share
whatever the parent prepared); on SQLite the workers also write them (see ``load``).
Nothing here checks or audits anything: it is for synthetic data only.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.core.management.color import no_style
from django.db import connections, models
from django.db.models import Max

from onestop.core import databases

Row = tuple[Any, ...]
MMAP_BYTES = 64 << 30


def columns_of(model: type[models.Model]) -> list[str]:
    """Every column of the model's table, in the order ``row_of`` gives their values."""
    return [field.column for field in model._meta.concrete_fields]


def row_of(instance: models.Model) -> Row:
    """An unsaved instance, built as the app's own code builds one, as a row of values
    ready for the database (what ``save`` would have written)."""
    connection = databases.connection()
    return tuple(
        field.get_db_prep_save(getattr(instance, field.attname), connection)
        for field in instance._meta.concrete_fields
    )


def next_id(model: type[models.Model]) -> int:
    # The table's highest id, whichever tenant's row holds it: the plain manager.
    return int(model._base_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


def reset_sequences(*model_classes: type[models.Model]) -> None:
    """After rows with explicit ids: the database's own counter continues past them."""
    statements = databases.connection().ops.sequence_reset_sql(no_style(), list(model_classes))
    with databases.connection().cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def db_datetime(value: datetime) -> Any:
    return databases.connection().ops.adapt_datetimefield_value(value)


def _plain_signals() -> None:
    """A forked worker dies of SIGTERM and SIGINT as a plain process does: the pool ends
    its workers with SIGTERM on the way out (and when a batch fails), and a Python handler
    inherited from the parent (the loader's command rebuilds indexes on SIGTERM) runs only
    when the worker runs Python again; a worker blocked on a lock another thread of the
    parent held at the fork never does, and the pool waits for it for ever."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start_worker() -> None:
    _plain_signals()
    _tune_for_loading()


def _tune_for_loading() -> None:
    """This connection, for loading. SQLite: a large page cache and a mapped file
    (another worker's commit empties the cache; mapped pages are read again without
    copying), WAL-safe NORMAL sync, no foreign key checks (the loader's references are
    made valid) and helper threads to sort while indexes are built. PostgreSQL: commits
    that do not wait for the disk. Either way a crash loses at most the last batches,
    never the database's consistency."""
    connection = databases.connection()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET synchronous_commit = off")
            return
        for pragma in (
            "cache_size = -1000000",
            f"mmap_size = {MMAP_BYTES}",
            "synchronous = NORMAL",
            "foreign_keys = OFF",
            f"threads = {os.cpu_count() or 1}",
        ):
            cursor.execute(f"PRAGMA {pragma}")


@contextmanager
def tuned_for_loading() -> Iterator[None]:
    """The connection tuned for loading, then given back untuned (SQLite: closed, so that
    the next use opens it with the settings' own pragmas; PostgreSQL: its setting reset
    before the connection returns to the pool). Inside a transaction (tests) nothing is
    tuned."""
    if databases.connection().in_atomic_block:
        yield
        return
    _tune_for_loading()
    try:
        yield
    finally:
        connection = databases.connection()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("RESET synchronous_commit")
            else:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()


@contextmanager
def indexes_set_aside(model: type[models.Model]) -> Iterator[None]:
    """Drop the table's secondary indexes for the load and build them again afterwards,
    as pg_restore does: one sort per index instead of millions of scattered inserts. The
    primary key and the indexes behind constraints stay. Run loads while the platform is
    not serving: its queries would miss the indexes meanwhile."""
    connection = databases.connection()
    if connection.vendor == "sqlite":
        found = (
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL"
        )
    else:
        found = (
            "SELECT i.indexname, i.indexdef FROM pg_indexes i"
            " WHERE i.tablename = %s AND i.schemaname = current_schema()"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
            " WHERE c.conindid = to_regclass(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname)))"
        )
    with _set_aside(model, found, drop="DROP INDEX {name}", again="{definition}"):
        yield


@contextmanager
def foreign_keys_set_aside(model: type[models.Model]) -> Iterator[None]:
    """PostgreSQL: drop the table's foreign keys for the load and add them again
    afterwards, as pg_restore does. Checked row by row, each key locks the row it points
    to (FOR KEY SHARE), which writes to that row: ten million cases would rewrite pages of
    the accounts and items they point to all over. Added again, each key is checked in
    one pass over the table, and a row the loader got wrong fails the load. (SQLite's
    loading connection checks no foreign keys at all: ``foreign_keys = OFF``.)"""
    if databases.connection().vendor != "postgresql":
        yield
        return
    found = "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'"
    with _set_aside(
        model,
        found,
        drop="ALTER TABLE {table} DROP CONSTRAINT {name}",
        again="ALTER TABLE {table} ADD CONSTRAINT {name} {definition}",
    ):
        yield


@contextmanager
def _set_aside(model: type[models.Model], found: str, *, drop: str, again: str) -> Iterator[None]:
    """Drop what ``found`` lists of the table (names and definitions) and make it again
    afterwards from the definitions."""
    connection = databases.connection()
    quote, table = connection.ops.quote_name, connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            # Inside a transaction (tests), deferred foreign key checks must run first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(found, [model._meta.db_table])
        things = cursor.fetchall()
        for name, _definition in things:
            cursor.execute(drop.format(table=table, name=quote(name)))
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and connection.in_atomic_block:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for name, definition in things:
                cursor.execute(again.format(table=table, name=quote(name), definition=definition))


def analyze() -> None:
    """Refresh the planner's statistics after a large load: without them SQLite may scan
    a hundred thousand items where an index would find twenty."""
    with databases.connection().cursor() as cursor:
        cursor.execute("ANALYZE")


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Sequence[Row]) -> None:
    """Insert ``rows`` (tuples in ``columns`` order, values ready for the database) in one
    transaction."""
    table = databases.connection().ops.quote_name(model._meta.db_table)
    names = ", ".join(databases.connection().ops.quote_name(c) for c in columns)
    with databases.atomic():
        if databases.connection().vendor == "postgresql":
            with databases.connection().cursor() as cursor:
                raw = cursor.cursor  # psycopg's own cursor
                with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        else:
            databases.connection().ensure_connection()
            marks = ", ".join("?" for _ in columns)
            raw_connection = databases.connection().connection
            assert raw_connection is not None
            insert = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 (quoted model names)
            raw_connection.executemany(insert, rows)


def _chunks(total: int, size: int) -> list[tuple[int, int]]:
    return [(start, min(size, total - start)) for start in range(0, total, size)]


def _workers(workers: int | None) -> int:
    return (os.cpu_count() or 1) if workers is None else workers


def _only_this_thread() -> None:
    """Stop tqdm's monitor thread before forking: a lock another thread holds at a fork
    stays held for ever in the child. The bars here are advanced by the loaders' own
    callbacks, so nothing needs the monitor."""
    from tqdm import tqdm

    tqdm.monitor_interval = 0
    if tqdm.monitor is not None:
        tqdm.monitor.exit()
        tqdm.monitor = None


_built: Callable[[int, int], list[Row]] | None = None


def _build(chunk: tuple[int, int]) -> list[Row]:
    assert _built is not None
    return _built(*chunk)


def build_in_parallel(
    build: Callable[[int, int], list[Row]], total: int, chunk_size: int, workers: int | None = None
) -> Iterable[list[Row]]:
    """Yield ``build(start, count)`` for consecutive chunks of ``range(total)``, in order,
    computed by forked worker processes (``workers`` 0: in this process)."""
    global _built
    chunks, workers = _chunks(total, chunk_size), _workers(workers)
    if workers == 0 or len(chunks) <= 1:
        for chunk in chunks:
            yield build(*chunk)
        return
    _built = build
    # The children inherit the parent's database connection but never use it, and leave
    # through os._exit, so they do not close it either.
    _only_this_thread()
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_plain_signals) as pool:
        yield from pool.imap(_build, chunks)
    _built = None


_job: tuple[type[models.Model], Sequence[str], Callable[[int, int], list[Row]]] | None = None


def _build_and_insert(chunk: tuple[int, int]) -> int:
    assert _job is not None
    model, columns, build = _job
    rows = build(*chunk)
    insert_rows(model, columns, rows)
    return len(rows)


def load_table(
    model: type[models.Model],
    columns: Sequence[str],
    build: Callable[[int, int], list[Row]],
    total: int,
    *,
    chunk_size: int,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> None:
    """A whole load of one table: tuned, its secondary indexes and (PostgreSQL) foreign
    keys set aside and made again, the rows written by ``load``, and the table's id
    sequence moved past them."""
    with tuned_for_loading(), indexes_set_aside(model), foreign_keys_set_aside(model):
        load(model, columns, build, total, chunk_size=chunk_size, workers=workers, progress=progress)
    reset_sequences(model)


def load(
    model: type[models.Model],
    columns: Sequence[str],
    build: Callable[[int, int], list[Row]],
    total: int,
    *,
    chunk_size: int,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Insert ``build(start, count)`` for consecutive chunks of ``range(total)``.

    Outside a transaction each worker process builds and writes its own batches on a
    connection of its own (SQLite: taking turns at the single write lock; PostgreSQL:
    COPY side by side): no row crosses between processes. Inside a transaction (tests)
    the workers build and this process writes."""
    global _job
    workers = _workers(workers)
    direct = not databases.connection().in_atomic_block and workers > 0
    if not direct or total <= chunk_size:
        for rows in build_in_parallel(build, total, chunk_size, workers):
            insert_rows(model, columns, rows)
            if progress:
                progress(len(rows))
        return
    chunks = _chunks(total, chunk_size)
    _job = (model, columns, build)
    connections.close_all()  # each worker opens its own connection
    for connection in connections.all(initialized_only=True):
        if hasattr(connection, "close_pool"):
            connection.close_pool()  # a pool's sockets and threads do not survive a fork
    _only_this_thread()
    context = multiprocessing.get_context("fork")
    try:
        with context.Pool(workers, initializer=_start_worker) as pool:
            for count in pool.imap_unordered(_build_and_insert, chunks):
                if progress:
                    progress(count)
    finally:
        _job = None
        _tune_for_loading()  # this process's new connection, for the indexes built next
