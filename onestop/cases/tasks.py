"""The case clock: acceptances the law deems made, and cases past their deadline
escalated to the department head, every ten minutes (the law holds for readers even while
it does not run: see ``cases.lifecycle``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from django_tasks import task

from onestop.core import databases
from onestop.core.actors import Actor
from onestop.core.tasks import come_back, recurring, wake

CLOCK_INTERVAL = timedelta(minutes=10)
CLOCK_BATCH = 200  # cases a transaction
CLOCK_SLICE = timedelta(seconds=5)  # of work a run, then the queue's other work takes its turn


@recurring
@task()
def case_clock() -> dict[str, int]:
    """One round of the clock on every database, ``CLOCK_BATCH`` cases a transaction so
    that a long backlog (the first round after a bulk load, a long holiday) never holds
    SQLite's write lock for more than a moment; after ``CLOCK_SLICE`` the rest waits for
    the next run, in its turn behind the work that queued meanwhile."""
    from onestop.cases.actions import do_deem_late_acceptances_of, do_escalate_overdue
    from onestop.cases.actions.clock import late_received, overdue_cases

    actor = Actor.system("case clock")
    stop_at = time.monotonic() + CLOCK_SLICE.total_seconds()

    def in_batches(ids: list[int], step: Callable[[list[int]], int]) -> tuple[int, bool]:
        """``step`` over ``ids`` a batch at a time until done or the slice is spent: how
        many it did, and whether any are left."""
        done = 0
        for start in range(0, len(ids), CLOCK_BATCH):
            if start and time.monotonic() >= stop_at:
                return done, True
            done += step(ids[start : start + CLOCK_BATCH])
        return done, False

    def round_() -> tuple[int, int, bool]:
        deemed, more = in_batches(
            late_received(), lambda ids: do_deem_late_acceptances_of(actor=actor, cases=ids)
        )
        if more:  # escalation leaves the cases still to be deemed alone: next run
            return deemed, 0, True
        escalated, more = in_batches(overdue_cases(), lambda ids: do_escalate_overdue(actor=actor, cases=ids))
        return deemed, escalated, more

    rounds = databases.on_each(round_)
    if any(more for _deemed, _escalated, more in rounds):
        wake(case_clock)
    else:
        come_back(case_clock, CLOCK_INTERVAL)
    return {"deemed": sum(r[0] for r in rounds), "escalated": sum(r[1] for r in rounds)}
