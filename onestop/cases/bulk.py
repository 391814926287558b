"""Synthetic cases in bulk, for `onestop loadgen` and the benchmark (never real ones).

Cases are spread evenly over the last two years and numbered like real ones (the day's
sequence continues after the numbers the day already has, and the day's counter is moved
past them, so later submissions never collide). Older cases are concluded, refused,
withdrawn or not accepted, on time; the last two weeks' are still open, with their
deadlines counted in working days. Items are drawn by popularity, applicants evenly from
the given accounts. The cases carry no history events and no materials.
"""

from __future__ import annotations

import bisect
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate

from onestop.cases.lifecycle import ACCEPTANCE_DAYS, PUBLIC, State
from onestop.cases.models import Case, CaseSequence
from onestop.catalogue.access import current_form_versions, published_items
from onestop.core import bulkload
from onestop.tenancy.models import Tenant
from onestop.workdays.calendar import WorkCalendar

WINDOW_DAYS = 730
OPEN_DAYS = 14
MAX_PER_DAY = 99_999  # five digits of the case number
COLUMNS = (
    "id",
    "tenant_id",
    "number",
    "applicant_id",
    "item_id",
    "item_version",
    "form_version",
    "data",
    "department_id",
    "state",
    "public_state",
    "decision",
    "limit_days",
    "received_on",
    "accepted_on",
    "decided_on",
    "concluded_on",
    "paused_days",
    "extension_days",
    "decided_on_time",
    "processing_days",
    "due_on",
    "due_uncertain",
    "deemed_due_on",
    "issues_certificate",
    "submitted_via_app",
    "handled_by_app",
    "created_at",
    "updated_at",
)
ENDINGS = [
    (State.CONCLUDED, "approved", 92),
    (State.CONCLUDED, "refused", 3),
    (State.WITHDRAWN, "", 3),
    (State.NOT_ACCEPTED, "", 2),
]
OPEN = [State.RECEIVED, State.ACCEPTED, State.UNDER_REVIEW]
DATA = json.dumps({"pledge": True})


@dataclass
class CasePlan:
    tenant_id: int
    prefix: str
    first_id: int
    applicants: Sequence[int]
    days: list[date]
    base: dict[date, int]  # the day's last case number before this load
    items: list[tuple[int, int, int, int, int]]  # id, department, version, form version, limit
    cumulative: list[int]
    today: date
    seed: int
    calendar: WorkCalendar
    # Values ready for the database, computed once per worker.
    _after: dict[tuple[date, int], object] = field(default_factory=dict)
    _at: dict[tuple[date, int], object] = field(default_factory=dict)

    def after(self, day: date, working_days: int) -> object:
        key = (day, working_days)
        if key not in self._after:
            self._after[key] = bulkload.db_date(self.calendar.add_working_days(day, working_days).day)
        return self._after[key]

    def at(self, day: date, minute: int) -> object:
        key = (day, minute)
        if key not in self._at:
            moment = datetime.combine(day, time(1 + minute // 60, minute % 60), tzinfo=UTC)
            self._at[key] = bulkload.db_datetime(moment)
        return self._at[key]

    def rows(self, start: int, count: int) -> list[bulkload.Row]:
        rows = []
        endings, weights = [e[:2] for e in ENDINGS], list(accumulate(e[2] for e in ENDINGS))
        rng = random.Random(self.seed * 1_000_003 + self.first_id + start)
        for index in range(start, start + count):
            day = self.days[index % len(self.days)]
            sequence = self.base.get(day, 0) + index // len(self.days) + 1
            item_id, department_id, version, form_version, limit = self.items[
                bisect.bisect(self.cumulative, rng.randrange(self.cumulative[-1]))
            ]
            due = self.after(day, limit)
            deemed_due: object = None
            accepted: object = None
            decided: object = None
            concluded: object = None
            on_time = processing = None
            decision = ""
            if (self.today - day).days <= OPEN_DAYS:
                state = rng.choice(OPEN)
                accepted = self.after(day, 0) if state != State.RECEIVED else None
                if state == State.RECEIVED:
                    # Answer due in 5 working days, or the decision runs from receipt.
                    due, deemed_due = self.after(day, ACCEPTANCE_DAYS), due
            else:
                state, decision = endings[bisect.bisect(weights, rng.randrange(weights[-1]))]
                if state == State.CONCLUDED:
                    processing = rng.randrange(max(1, limit))
                    accepted, decided = self.after(day, 0), self.after(day, processing)
                    concluded, on_time = decided, True
                elif state == State.WITHDRAWN:
                    accepted = self.after(day, 0)
            at = self.at(day, rng.randrange(600))
            received = self.after(day, 0)
            rows.append(
                (
                    self.first_id + index,
                    self.tenant_id,
                    f"{self.prefix}{day:%Y%m%d}{sequence:05d}",
                    self.applicants[rng.randrange(len(self.applicants))],
                    item_id,
                    version,
                    form_version,
                    DATA,
                    department_id,
                    state.value,
                    PUBLIC[state].value,
                    decision,
                    limit,
                    received,
                    accepted,
                    decided,
                    concluded,
                    0,
                    0,
                    on_time,
                    processing,
                    due,
                    False,
                    deemed_due,
                    False,
                    "",
                    "",
                    at,
                    at,
                )
            )
        return rows


def add_cases(
    tenant: Tenant,
    count: int,
    applicants: Sequence[int],
    *,
    seed: int = 2019,
    today: date,
    chunk_size: int = 20_000,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Add ``count`` synthetic cases of ``tenant``'s published items, applied for by the
    accounts whose ids are ``applicants``."""
    days = [today - timedelta(days=back) for back in range(WINDOW_DAYS, 0, -1)]
    base = dict(CaseSequence.objects.filter(tenant=tenant, day__in=days).values_list("day", "last"))
    if max(base.values(), default=0) + -(-count // len(days)) > MAX_PER_DAY:
        raise ValueError(f"at most {MAX_PER_DAY} cases a day: {count} is too many")
    forms = current_form_versions(tenant)
    items = [
        (i.pk, i.department_id, i.version, forms.get(i.pk, 1), i.committed_limit_days, max(1, i.popularity))
        for i in published_items(tenant).order_by("pk")
    ]
    if not items or not applicants:
        raise ValueError(f"tenant {tenant.code} needs published items and applicants")
    plan = CasePlan(
        tenant_id=tenant.pk,
        prefix=tenant.code.upper(),
        first_id=bulkload.next_id(Case),
        applicants=applicants,
        days=days,
        base=base,
        items=[i[:5] for i in items],
        cumulative=list(accumulate(i[5] for i in items)),
        today=today,
        seed=seed,
        calendar=WorkCalendar(),
    )
    bulkload.load_table(
        Case, COLUMNS, plan.rows, count, chunk_size=chunk_size, workers=workers, progress=progress
    )
    for position, day in enumerate(days):
        added = count // len(days) + (position < count % len(days))
        if added:
            CaseSequence.objects.update_or_create(
                tenant=tenant, day=day, defaults={"last": base.get(day, 0) + added}
            )
