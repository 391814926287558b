"""The roll-up of page views, every minute (`onestop worker` keeps it scheduled)."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from onestop.core import databases
from onestop.core.tasks import come_back, recurring

ROLLUP_INTERVAL = timedelta(minutes=1)


@recurring
@task()
def roll_up_traffic() -> int:
    from onestop.analytics.rollup import roll_up

    written = sum(databases.on_each(roll_up))
    come_back(roll_up_traffic, ROLLUP_INTERVAL)
    return written
