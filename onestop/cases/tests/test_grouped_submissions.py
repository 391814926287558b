"""Submissions that wait for SQLite's write lock commit together (``core.groupcommit``):
each is whole, numbered, audited and kept for its key, as if it had committed alone."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from onestop.cases import actions
from onestop.cases.models import Case, IdempotencyRecord
from onestop.catalogue.tests.factories import make_item
from onestop.core import audit, databases, groupcommit
from onestop.core.groupcommit import GROUP_SIZE, commit_grouped
from onestop.core.models import AuditEntry
from onestop.identity.access import actor_for
from onestop.identity.tests.factories import make_citizen
from onestop.tenancy.tests.factories import make_tenant

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.own_data,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="groups are SQLite's"),
]


def test_submissions_queued_together_are_each_whole_and_answered_once() -> None:
    tenant = make_tenant()
    item = make_item(tenant)
    people = [make_citizen(tenant, name=name) for name in ("张一", "张二", "张三", "张四")]
    released, holding = threading.Event(), threading.Event()
    answers: dict[Any, Any] = {}
    sizes = [s.value for s in GROUP_SIZE.collect()[0].samples if s.name.endswith("_count")]

    def hold() -> None:
        holding.set()
        assert released.wait(10)

    def submit(person: int, key: str) -> None:
        try:
            answers[(person, key)] = actions.do_submit_application_idempotently(
                actor=actor_for(people[person]),
                applicant=people[person],
                tenant=tenant,
                item_code=item.code,
                answers={"pledge": True},
                upload_ids=[],
                key=key,
                fingerprint="same",
                answer=lambda case: case.number,
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=lambda: (commit_grouped(hold), connections.close_all()))]
    threads[0].start()
    assert holding.wait(10)
    asked = [(0, "a"), (1, "a"), (2, "a"), (3, "a"), (3, "a")]  # the last one a retry, in the same group
    for person, key in asked:
        threads.append(threading.Thread(target=submit, args=(person, key)))
        threads[-1].start()
    for _ in range(2000):
        if groupcommit.waiting(databases.current()) == len(asked):
            break
        threading.Event().wait(0.005)
    assert groupcommit.waiting(databases.current()) == len(asked)
    released.set()
    for thread in threads:
        thread.join(10)

    numbers = {who: answer.body for who, answer in answers.items()}
    assert {answer.status for answer in answers.values()} == {201}
    assert len(set(numbers.values())) == 4  # four cases, the retry given the first answer
    assert sorted(Case.objects.filter(tenant=tenant).values_list("number", flat=True)) == sorted(
        set(numbers.values())
    )
    assert IdempotencyRecord.objects.filter(tenant=tenant, status=201).count() == 4
    assert audit.verify_audit_log().ok  # one chain, each submission's entry on it
    submitted = AuditEntry.objects.filter(tenant_code=tenant.code, action__endswith="submit")
    assert sorted(submitted.values_list("object_id", flat=True)) == sorted(set(numbers.values()))
    after = [s.value for s in GROUP_SIZE.collect()[0].samples if s.name.endswith("_count")]
    assert after[0] == sizes[0] + 2  # the held work alone, then all five together
