"""Payments' background work: orders the channel sent no word of are asked about, and
orders that can no longer be paid are closed at the channel (every minute)."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django_tasks import task

from onestop.core import databases
from onestop.core.actors import Actor
from onestop.core.tasks import come_back, recurring, wake

logger = logging.getLogger(__name__)
SWEEP_INTERVAL = timedelta(minutes=1)
SWEEP_SLICE = timedelta(seconds=20)  # of channel calls a run, then the queue's other work
# A notification usually follows a payment within seconds: an order is asked about once
# it has been quiet this long, and again no sooner than this after.
QUIET_FOR = timedelta(minutes=1)
SWEEP_BATCH = 100


@recurring
@task()
def sweep_payment_orders() -> dict[str, int]:
    """Ask the channels about open orders they sent no word of: a payment the channel
    reports is applied (exactly once, as if notified), an order that expired or whose
    bill is settled is closed at the channel. On every database."""
    from onestop.payments.sweep import sweep

    stop_at = time.monotonic() + SWEEP_SLICE.total_seconds()
    actor = Actor.system("payment order sweep")
    runs = databases.on_each(
        lambda: sweep(actor=actor, stop_at=stop_at, batch=SWEEP_BATCH, quiet_for=QUIET_FOR)
    )
    if any(run.more for run in runs):
        wake(sweep_payment_orders)
    else:
        come_back(sweep_payment_orders, SWEEP_INTERVAL)
    return {"applied": sum(r.applied for r in runs), "closed": sum(r.closed for r in runs)}
