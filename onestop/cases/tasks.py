"""The case clock: acceptances the law deems made, and cases past their deadline
escalated to the department head, every ten minutes (the law holds for readers even while
it does not run: see ``cases.lifecycle``)."""

from __future__ import annotations

import time
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
    from onestop.cases.actions import do_deem_late_acceptances_after, do_escalate_overdue

    actor = Actor.system("case clock")
    stop_at = time.monotonic() + CLOCK_SLICE.total_seconds()

    def round_() -> tuple[int, int, bool]:
        deemed, after = 0, 0
        while True:
            recorded, after = do_deem_late_acceptances_after(actor=actor, after=after, limit=CLOCK_BATCH)
            deemed += recorded
            if not after:
                break
            if time.monotonic() >= stop_at:  # escalation leaves cases still to be deemed alone
                return deemed, 0, True
        escalated = 0
        while True:
            count = do_escalate_overdue(actor=actor, limit=CLOCK_BATCH)
            escalated += count
            if count < CLOCK_BATCH:
                return deemed, escalated, False
            if time.monotonic() >= stop_at:
                return deemed, escalated, True

    rounds = databases.on_each(round_)
    if any(more for _deemed, _escalated, more in rounds):
        wake(case_clock)
    else:
        come_back(case_clock, CLOCK_INTERVAL)
    return {"deemed": sum(r[0] for r in rounds), "escalated": sum(r[1] for r in rounds)}
