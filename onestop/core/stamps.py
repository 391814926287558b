"""Person stamps: what a person's own pages are kept under.

A page of one person's own (their applications, a case of theirs) is read far more often
than it changes, and is kept whole (``core.pagecache``) under the person's stamp: a number
that every action changing what those pages show moves, in the action's own transaction,
on the database the person's data lives on. Reading it is one lookup by primary key in
every process alike, whatever cache the installation has, so a person never sees their
page from before their own change, in any process.

The statements are written once here rather than built by the ORM per request: reading
the stamp is on the path of every page a signed-in person opens.
"""

from __future__ import annotations

from collections.abc import Iterable

from onestop.core import databases
from onestop.core.models import PersonStamp

_TABLE = PersonStamp._meta.db_table


def touch(*people: int | None) -> None:
    """Move the stamps of ``people`` (account ids; None is skipped). Called by an action
    inside its transaction."""
    touch_all(people)


def touch_all(people: Iterable[int | None]) -> None:
    ids = sorted({person for person in people if person is not None})
    if not ids:
        return
    connection = databases.connection()
    table = connection.ops.quote_name(_TABLE)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (person_id, stamp) VALUES (%s, 1) "  # noqa: S608 (the model's own table)
            f"ON CONFLICT (person_id) DO UPDATE SET stamp = {table}.stamp + 1",
            [(person,) for person in ids],
        )


def stamp(person: int) -> int:
    """The person's stamp: 0 until an action first moves it."""
    connection = databases.connection()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT stamp FROM {connection.ops.quote_name(_TABLE)} WHERE person_id = %s",  # noqa: S608
            [person],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0
