"""Group commit on SQLite (``core.groupcommit``): works that wait while a group commits
share the next commit, each in a savepoint of its own, and nobody is answered before that
commit. The groups are made deterministic here by holding the line with a first work
until the others are queued behind it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import OperationalError, connection, connections

from onestop.core import databases, groupcommit, stamps
from onestop.core.groupcommit import GROUP_SIZE, commit_grouped

P = 10**12  # people no loaded data has touched

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="groups are SQLite's; PostgreSQL groups itself"
)


def _groups() -> tuple[float, float]:
    """How many groups have committed, and how many works they held, so far."""
    samples = {s.name: s.value for s in GROUP_SIZE.collect()[0].samples if not s.labels.get("le")}
    return samples["onestop_group_commit_size_count"], samples["onestop_group_commit_size_sum"]


class _Held:
    """A first work that holds the line (its transaction open) until ``release``."""

    def __init__(self) -> None:
        self.started, self.released = threading.Event(), threading.Event()

    def __call__(self) -> str:
        stamps.touch(P + 1)
        self.started.set()
        assert self.released.wait(10)
        return "held"


def _run(results: dict[Any, Any], name: Any, work: Callable[[], Any]) -> threading.Thread:
    def run() -> None:
        try:
            results[name] = commit_grouped(work)
        except BaseException as error:  # handed to the test
            results[name] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.fixture
def queue_behind_a_held_work() -> Iterator[Callable[[dict[Any, Any], dict[Any, Callable[[], Any]]], None]]:
    """Run ``works`` in threads queued behind a held first work, then let them all go and
    wait for every answer."""
    threads: list[threading.Thread] = []

    def queue(results: dict[Any, Any], works: dict[Any, Callable[[], Any]]) -> None:
        held = _Held()
        threads.append(_run(results, "held", held))
        assert held.started.wait(10)
        for name, work in works.items():
            threads.append(_run(results, name, work))
        for _ in range(2000):  # until all of them wait (a thread starts in microseconds)
            if groupcommit.waiting(databases.current()) == len(works):
                break
            threading.Event().wait(0.005)
        assert groupcommit.waiting(databases.current()) == len(works)
        held.released.set()
        for thread in threads:
            thread.join(10)
        assert results["held"] == "held"

    yield queue
    for thread in threads:
        thread.join(10)


def _touching(person: int, fail: bool = False) -> Callable[[], int]:
    def work() -> int:
        stamps.touch(P + person)
        if fail:
            raise ValueError(f"work {person} refused")
        return person

    return work


@pytest.mark.django_db(transaction=True)
def test_works_that_wait_commit_together_in_one_transaction(queue_behind_a_held_work) -> None:  # type: ignore[no-untyped-def]
    groups, works = _groups()
    results: dict[Any, Any] = {}
    queue_behind_a_held_work(results, {person: _touching(person) for person in (10, 11, 12)})
    assert {name: results[name] for name in (10, 11, 12)} == {10: 10, 11: 11, 12: 12}
    assert [stamps.stamp(P + person) for person in (1, 10, 11, 12)] == [1, 1, 1, 1]
    # The held work committed alone, the three behind it in one commit.
    assert _groups() == (groups + 2, works + 4)


@pytest.mark.django_db(transaction=True)
def test_a_work_that_fails_takes_back_its_own_writes_only(queue_behind_a_held_work) -> None:  # type: ignore[no-untyped-def]
    results: dict[Any, Any] = {}
    queue_behind_a_held_work(results, {20: _touching(20), 21: _touching(21, fail=True), 22: _touching(22)})
    assert results[20] == 20 and results[22] == 22
    assert isinstance(results[21], ValueError) and str(results[21]) == "work 21 refused"
    assert [stamps.stamp(P + person) for person in (20, 21, 22)] == [1, 0, 1]


@pytest.mark.django_db(transaction=True)
def test_nobody_is_answered_before_the_commit_and_a_failed_commit_fails_the_group(
    queue_behind_a_held_work,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wrapper = type(connections["default"])
    commit = wrapper._commit
    answered_at_commit: list[set[Any]] = []
    results: dict[Any, Any] = {}

    def commit_or_fail(self: Any) -> Any:
        answered_at_commit.append({name for name in results if name != "held"})
        if len(answered_at_commit) == 2:  # the group's commit, after the held work's
            raise OperationalError("disk I/O error")
        return commit(self)

    monkeypatch.setattr(wrapper, "_commit", commit_or_fail)
    queue_behind_a_held_work(results, {30: _touching(30), 31: _touching(31)})
    assert answered_at_commit == [set(), set()]  # nobody had an answer when either commit ran
    assert all(isinstance(results[name], OperationalError) for name in (30, 31)), results
    assert [stamps.stamp(P + person) for person in (1, 30, 31)] == [1, 0, 0]
    # The line is free again: the next work commits on its own.
    assert commit_grouped(_touching(32)) == 32 and stamps.stamp(P + 32) == 1


@pytest.mark.django_db(transaction=True)
def test_a_group_whose_transaction_was_lost_reports_no_success(  # type: ignore[no-untyped-def]
    queue_behind_a_held_work, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A savepoint that cannot be rolled back (SQLite undid the whole transaction after an
    I/O error) leaves nothing of the group: the works before it are not told success."""
    wrapper = type(connections["default"])
    rollback = wrapper._savepoint_rollback

    def lost(self: Any, sid: str) -> None:
        rollback(self, sid)
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(wrapper, "_savepoint_rollback", lost)
    results: dict[Any, Any] = {}
    queue_behind_a_held_work(results, {50: _touching(50), 51: _touching(51, fail=True), 52: _touching(52)})
    assert all(isinstance(results[name], Exception) for name in (50, 51, 52)), results
    assert isinstance(results[51], ValueError)  # its own error
    assert [stamps.stamp(P + person) for person in (50, 51, 52)] == [0, 0, 0]


def test_a_caller_that_stops_waiting_leaves_the_line() -> None:
    line = groupcommit._Line()
    first, second = groupcommit._Work(lambda: 1), groupcommit._Work(lambda: 2)
    line.queue, line.busy = [first, second], True
    first.lead = True  # handed the lead, then interrupted before it took it
    groupcommit._leave(line, first)
    assert line.queue == [second] and second.lead and second.wake.is_set()
    groupcommit._leave(line, second)
    assert line.queue == [] and not line.busy  # nobody left: the line is free


@pytest.mark.django_db
def test_inside_a_transaction_a_work_runs_in_it_as_it_would_on_postgresql() -> None:
    groups = _groups()
    seen: list[bool] = []

    def work() -> None:
        seen.append(connection.in_atomic_block)
        stamps.touch(P + 40)

    commit_grouped(work)
    assert seen == [True] and stamps.stamp(P + 40) == 1
    assert _groups() == groups  # no group was formed
