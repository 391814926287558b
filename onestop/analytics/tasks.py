"""The roll-up of page views, every minute (`onestop worker` keeps it scheduled)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from onestop.core import databases

ROLLUP_INTERVAL = timedelta(minutes=1)


@task()
def roll_up_traffic() -> int:
    from onestop.analytics.rollup import roll_up

    written = sum(databases.on_each(roll_up))
    roll_up_traffic.using(run_after=timezone.now() + ROLLUP_INTERVAL).enqueue()
    return written
