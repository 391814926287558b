"""Synthetic cases in bulk, for `onestop loadgen` and the benchmark (never real ones).

Cases are spread evenly over the last two years and numbered like real ones (the day's
sequence continues after the numbers the day already has, and the day's counter is moved
past them, so later submissions never collide). Older cases are concluded, refused,
withdrawn or not accepted, on time; the last two weeks' are still open. Each case walks
its lifecycle (``CaseFlow``) through the same transitions an officer's steps take, and
the case stores the flow as every action stores it (``Case.take_flow``: states, dates,
deadlines in working days), numbered by ``case_number``. Items are drawn by popularity,
applicants evenly from the given accounts. The cases carry no history events and no
materials.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from typing import Any

from onestop.cases.lifecycle import CaseFlow, State, Transition
from onestop.cases.models import Case, CaseSequence, case_number
from onestop.catalogue.access import current_form_versions, published_items
from onestop.tenancy.models import Tenant
from onestop.workdays.calendar import WorkCalendar
from onestop_dev.bulk import loading

WINDOW_DAYS = 730
OPEN_DAYS = 14
MAX_PER_DAY = 99_999  # five digits of the case number
# How older cases end, with their weights: the steps an officer (or the applicant) takes.
ENDINGS = [
    ("approved", 92),
    ("refused", 3),
    ("withdrawn", 3),
    ("not_accepted", 2),
]
OPEN = [State.RECEIVED, State.ACCEPTED, State.UNDER_REVIEW]
DATA = {"pledge": True}
# What the flow decides of a case (``take_flow``); the loader sets the rest itself.
SET_HERE = {
    "id",
    "tenant_id",
    "number",
    "applicant_id",
    "item_id",
    "item_version",
    "form_version",
    "data",
    "department_id",
    "county_id",
    "limit_days",
    "claimed_by_id",
    "escalated_at",
    "submitted_via_app",
    "handled_by_app",
    "created_at",
    "updated_at",
}
FLOW_FIELDS = [f.attname for f in Case._meta.concrete_fields if f.attname not in SET_HERE]
ACCEPT = (Transition.ACCEPT, 0, "")


def walk(day: date, limit: int, path: str, working_days: int, calendar: WorkCalendar) -> CaseFlow:
    """A case received on ``day`` taken along ``path``: left open in a state, or ended
    (decided ``working_days`` after acceptance, withdrawn or not accepted)."""
    flow = CaseFlow(limit_days=limit, received_on=day)
    decided = [(Transition.DECIDE, working_days, path), (Transition.CONCLUDE, working_days, "")]
    steps: list[tuple[Transition, int, str]] = {
        State.RECEIVED.value: [],
        State.ACCEPTED.value: [ACCEPT],
        State.UNDER_REVIEW.value: [ACCEPT, (Transition.START_REVIEW, 0, "")],
        "approved": [ACCEPT, *decided],
        "refused": [ACCEPT, *decided],
        "withdrawn": [ACCEPT, (Transition.WITHDRAW, 0, "")],
        "not_accepted": [(Transition.NOT_ACCEPT, 0, "")],
    }[path]
    for transition, after, decision in steps:
        on = calendar.add_working_days(day, after).day
        flow = flow.apply(transition, on=on, calendar=calendar, decision=decision)
    return flow


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
    # What a flow makes the case store, computed once per day, limit and path in a worker.
    _stored: dict[tuple[date, int, str, int], tuple[Any, ...]] = field(default_factory=dict)

    def stored(self, day: date, limit: int, path: str, working_days: int) -> dict[str, Any]:
        key = (day, limit, path, working_days)
        if key not in self._stored:
            case = Case(limit_days=limit, received_on=day)
            case.take_flow(walk(day, limit, path, working_days, self.calendar), self.calendar)
            self._stored[key] = tuple(getattr(case, name) for name in FLOW_FIELDS)
        return dict(zip(FLOW_FIELDS, self._stored[key], strict=True))

    def rows(self, start: int, count: int) -> list[loading.Row]:
        rows = []
        paths, weights = [e[0] for e in ENDINGS], list(accumulate(e[1] for e in ENDINGS))
        rng = random.Random(self.seed * 1_000_003 + self.first_id + start)
        for index in range(start, start + count):
            day = self.days[index % len(self.days)]
            sequence = self.base.get(day, 0) + index // len(self.days) + 1
            item_id, department_id, version, form_version, limit = self.items[
                bisect.bisect(self.cumulative, rng.randrange(self.cumulative[-1]))
            ]
            working_days = 0
            if (self.today - day).days <= OPEN_DAYS:
                path = rng.choice(OPEN).value
            else:
                path = paths[bisect.bisect(weights, rng.randrange(weights[-1]))]
                if path in ("approved", "refused"):
                    working_days = rng.randrange(max(1, limit))
            minute = rng.randrange(600)
            at = datetime.combine(day, time(1 + minute // 60, minute % 60), tzinfo=UTC)
            case = Case(
                id=self.first_id + index,
                tenant_id=self.tenant_id,
                number=case_number(self.prefix, day, sequence),
                applicant_id=self.applicants[rng.randrange(len(self.applicants))],
                item_id=item_id,
                item_version=version,
                form_version=form_version,
                data=DATA,
                department_id=department_id,
                limit_days=limit,
                created_at=at,
                updated_at=at,
                **self.stored(day, limit, path, working_days),
            )
            rows.append(loading.row_of(case))
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
        first_id=loading.next_id(Case),
        applicants=applicants,
        days=days,
        base=base,
        items=[i[:5] for i in items],
        cumulative=list(accumulate(i[5] for i in items)),
        today=today,
        seed=seed,
        calendar=WorkCalendar(),
    )
    loading.load_table(
        Case,
        loading.columns_of(Case),
        plan.rows,
        count,
        chunk_size=chunk_size,
        workers=workers,
        progress=progress,
    )
    for position, day in enumerate(days):
        added = count // len(days) + (position < count % len(days))
        if added:
            CaseSequence.objects.update_or_create(
                tenant=tenant, day=day, defaults={"last": base.get(day, 0) + added}
            )
