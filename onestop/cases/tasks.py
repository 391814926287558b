"""The case clock: acceptances the law deems made, and cases past their deadline
escalated to the department head, every ten minutes (the law holds for readers even while
it does not run: see ``cases.lifecycle``)."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from onestop.core import databases
from onestop.core.actors import Actor
from onestop.core.tasks import come_back, recurring

CLOCK_INTERVAL = timedelta(minutes=10)


@recurring
@task()
def case_clock() -> dict[str, int]:
    from onestop.cases.actions import do_deem_late_acceptances, do_escalate_overdue

    actor = Actor.system("case clock")
    done = databases.on_each(
        lambda: {
            "deemed": do_deem_late_acceptances(actor=actor),
            "escalated": do_escalate_overdue(actor=actor),
        }
    )
    come_back(case_clock, CLOCK_INTERVAL)
    return {key: sum(d[key] for d in done) for key in ("deemed", "escalated")}
