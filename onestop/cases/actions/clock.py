"""The law's clock: acceptances it deems made when a department let five working days
pass, and cases past their deadline escalated to the department head."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from onestop.cases.access import law_day
from onestop.cases.actions.steps import _locked, _record_deemed
from onestop.cases.audit import CasesAudit
from onestop.cases.lifecycle import (
    Clock,
    State,
)
from onestop.cases.models import (
    Case,
)
from onestop.core import databases
from onestop.core.audit import record_action
from onestop.workdays.calendar import WorkCalendar

if TYPE_CHECKING:
    from onestop.core.actors import Actor


def do_record_deemed_acceptance(
    *, actor: Actor, case: Case, on: date | None = None, calendar: WorkCalendar | None = None
) -> bool:
    """Record that the case counts as accepted on the day its materials arrived, if the
    law has it so by the day and nobody recorded it yet (true when this recorded it)."""
    with databases.action():
        return _record_deemed(
            _locked(case), actor=actor, on=on or law_day(), calendar=calendar or WorkCalendar()
        )


def do_deem_late_acceptances(*, actor: Actor, on: date | None = None) -> int:
    """Cases received longer than 5 working days ago with no answer count as accepted on
    the day their materials arrived: record it for those nobody has touched since."""
    with databases.action():
        return _deem_late(actor=actor, day=on or law_day())


def late_received(on: date | None = None) -> list[int]:
    """The ids of every tenant's cases still received past their 5 working days, in
    order: one read of the state index (a sweep ordered by id instead reads the whole
    table when few cases are late)."""
    day = on or law_day()
    late = Case.objects.platform_wide().filter(state=State.RECEIVED, due_on__lt=day).order_by()
    return sorted(late.values_list("pk", flat=True))


def do_deem_late_acceptances_of(*, actor: Actor, cases: Sequence[int], on: date | None = None) -> int:
    """``do_deem_late_acceptances`` for the given cases (ids from ``late_received``) that
    are still late, in a transaction of their own: how many it recorded."""
    with databases.action():
        return _deem_late(actor=actor, day=on or law_day(), among=cases)


def _deem_late(*, actor: Actor, day: date, among: Sequence[int] | None = None) -> int:
    calendar = WorkCalendar.current()
    late = Case.objects.platform_wide().filter(state=State.RECEIVED, due_on__lt=day)  # a sweep
    if among is not None:
        late = late.filter(pk__in=among)
    return sum(_record_deemed(_locked(case), actor=actor, on=day, calendar=calendar) for case in late)


def do_escalate_overdue(*, actor: Actor, on: date | None = None, cases: Sequence[int] | None = None) -> int:
    """Cases whose decision or certificate is overdue go to the department head's queue
    (once per deadline): all of them, or those of ``cases`` (ids from ``overdue_cases``)
    that still are. Cases whose deemed acceptance nobody recorded yet are left to
    ``do_deem_late_acceptances``, which the clock runs first."""
    with databases.action():
        return escalate_overdue(actor=actor, day=on or law_day(), among=cases)


def _overdue(day: date) -> QuerySet[Case]:
    certificate_due = Q(state__in=[State.DECIDED, State.CONCLUDED], issues_certificate=True)
    return Case.objects.platform_wide().filter(  # a sweep of the database, every tenant's cases
        Q(state__in=[State.ACCEPTED, State.UNDER_REVIEW]) | certificate_due,
        due_on__lt=day,
        escalated_at__isnull=True,
    )


def overdue_cases(on: date | None = None) -> list[int]:
    """The ids of every tenant's overdue cases not yet escalated, in order: read before
    the clock's transactions (about 2 s at the seed's scale), never inside one."""
    return sorted(_overdue(on or law_day()).order_by().values_list("pk", flat=True))


def escalate_overdue(*, actor: Actor, day: date, among: Sequence[int] | None = None) -> int:
    """The escalation itself, a step of the actions that run it (the clock, an import)."""
    overdue = _overdue(day)
    if among is not None:
        overdue = overdue.filter(pk__in=among)
    rows = list(overdue.order_by().values_list("pk", "number", "tenant__code", "state"))
    Case.objects.platform_wide().filter(pk__in=[pk for pk, *_rest in rows]).update(
        escalated_at=timezone.now()
    )
    for _pk, number, tenant_code, state in rows:
        clock = Clock.DECISION if state in (State.ACCEPTED, State.UNDER_REVIEW) else Clock.CERTIFICATE
        record_action(
            actor=actor,
            action=CasesAudit.ESCALATE,
            tenant_code=tenant_code,
            object_type="case",
            object_id=number,
            detail={"clock": clock},
        )
    return len(rows)
