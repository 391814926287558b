"""Rows read by a statement compiled once (``core.rows``) and person stamps
(``core.stamps``): the same objects the ORM gives, and stamps that move only forward."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onestop.core import databases, stamps
from onestop.core.models import OutboxEvent
from onestop.core.rows import ByKey

pytestmark = pytest.mark.django_db


def test_a_row_by_key_is_the_object_the_orm_gives() -> None:
    # Converters of several kinds on both databases: a UUID, JSON, a time, a null.
    event = OutboxEvent.objects.create(
        event_id=uuid.uuid4(), tenant_code="gd", topic="t.x", payload={"名": [1, {"a": None}]}
    )
    by_key = ByKey(OutboxEvent)
    found = by_key.get(event.pk)
    orm = OutboxEvent.objects.get(pk=event.pk)
    assert found is not None and type(found) is OutboxEvent
    assert {f.attname: getattr(found, f.attname) for f in OutboxEvent._meta.concrete_fields} == {
        f.attname: getattr(orm, f.attname) for f in OutboxEvent._meta.concrete_fields
    }
    assert isinstance(found.event_id, uuid.UUID) and found.relayed_at is None
    assert found._state.db == databases.current() and not found._state.adding
    rows = OutboxEvent.objects.count()
    found.topic = "t.y"
    found.save()  # an object like any other: saved as an update of its row
    assert OutboxEvent.objects.get(pk=event.pk).topic == "t.y" and OutboxEvent.objects.count() == rows
    assert by_key.get(event.pk + 1000) is None
    with CaptureQueriesContext(connection) as queries:
        by_key.get(event.pk)
    assert len(queries.captured_queries) == 1


def test_a_stamp_moves_with_every_touch_of_its_person_only() -> None:
    assert stamps.stamp(7) == 0  # never touched
    with databases.action():
        stamps.touch(7, None, 8)
    with databases.action():
        stamps.touch(7)
        assert stamps.stamp(7) == 2  # the action's own later reads see the move
    stamps.touch_all([])
    assert (stamps.stamp(7), stamps.stamp(8), stamps.stamp(9)) == (2, 1, 0)


@pytest.mark.django_db(transaction=True)
def test_a_stamp_moved_by_an_action_that_failed_is_where_it_was() -> None:
    with databases.action():
        stamps.touch(5)

    def fails() -> None:
        with databases.action():
            stamps.touch(5)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        fails()
    assert stamps.stamp(5) == 1


def _recorded(table: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        stats = [int(stat.split()[0]) for (stat,) in cursor.fetchall()]
    return max(stats) if stats else None


def _events(count: int) -> None:
    OutboxEvent.objects.bulk_create(
        OutboxEvent(event_id=uuid.uuid4(), tenant_code="gd", topic="t.x") for _ in range(count)
    )


def test_the_planners_statistics_are_taken_again_when_a_table_outgrows_them() -> None:
    from onestop.core import statistics

    if connection.vendor != "sqlite":
        assert statistics.refresh() == []  # PostgreSQL's autovacuum keeps its own
        return
    OutboxEvent.objects.all().delete()
    _events(3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_outboxevent")
    assert _recorded("core_outboxevent") == 3
    _events(20)  # 23 rows: not yet ten times what the statistics say
    assert "core_outboxevent" not in statistics.refresh()
    _events(10)  # 33
    assert "core_outboxevent" in statistics.refresh()
    assert _recorded("core_outboxevent") == 33
    assert "core_outboxevent" not in statistics.refresh()  # in step again
