"""Cases from a department's former system (and the demo's past), replayed through the
lifecycle."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.cases.access import law_day
from onestop.cases.actions.clock import escalate_overdue
from onestop.cases.actions.steps import DEEMED_COMMENT, RECTIFICATION_DAYS
from onestop.cases.actions.submission import _local_offices, _route
from onestop.cases.audit import CasesAudit
from onestop.cases.error_codes import CaseErrorCode
from onestop.cases.lifecycle import (
    CaseFlow,
    Decision,
    State,
    Transition,
)
from onestop.cases.models import (
    Case,
    CaseEvent,
    CaseMaterial,
    CaseSequence,
    Rating,
    RectificationTicket,
    case_number,
)
from onestop.catalogue.access import items_by_code
from onestop.certificates.access import certificate_types_by_item
from onestop.certificates.actions import issue_certificate
from onestop.core import databases, stamps
from onestop.core.audit import record_action
from onestop.core.errors import ValidationFailed
from onestop.identity.access import accounts_by_id
from onestop.tenancy.models import Department, Region
from onestop.workdays.calendar import WorkCalendar

if TYPE_CHECKING:
    from onestop.certificates.models import CertificateType
    from onestop.core.actors import Actor
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant


@dataclass(frozen=True, slots=True)
class HistorySpec:
    """A case that happened elsewhere: its answers and every step it took, with dates.
    Replayed through the lifecycle, so imported history obeys the same rules. The steps
    end at the conclusion: the certificate of an approved case is the platform's to
    issue, as at a live conclusion."""

    applicant_id: int
    item_code: str
    received_on: date
    data: dict[str, Any]
    steps: tuple[tuple[str, date, str, str], ...] = ()  # (transition, on, comment, decision)
    county_code: str = ""
    rating: tuple[int, tuple[str, ...]] | None = None


def do_import_case_history(*, actor: Actor, tenant: Tenant, histories: Sequence[HistorySpec]) -> int:
    """Cases from a department's former system (and the demo's past), with their steps,
    ratings and rectification tickets. An approved case of an item that issues a
    certificate ends as a live one does: its certificate signed by the department's key,
    in the applicant's wallet, on the day the case concluded."""
    if any(step[0] == Transition.ISSUE_CERTIFICATE for h in histories for step in h.steps):
        raise ValidationFailed(
            CaseErrorCode.TRANSITION_NOT_ALLOWED,
            _("This step is not possible in the case's present state."),
            field="steps",
        )
    calendar = WorkCalendar()
    items = items_by_code(tenant, {h.item_code for h in histories})
    regions = {r.code: r for r in Region.objects.filter(tenant=tenant).select_related("parent")}
    materials = {}
    for item in items.values():
        materials[item.pk] = list(item.materials.all())
    certificate_types = certificate_types_by_item(tenant)
    applicants = accounts_by_id(
        tenant, {h.applicant_id for h in histories if h.item_code in certificate_types}
    )
    offices = _local_offices(tenant)
    with databases.action():
        # The days' counters, locked until the import commits and moved once at its end:
        # each case gets the number _next_number would have given it.
        counters: dict[date, int] = {}
        for day in sorted({h.received_on for h in histories}):
            sequence = CaseSequence.objects.select_for_update().get_or_create(tenant=tenant, day=day)[0]
            counters[day] = sequence.last
        given = dict(counters)
        # Histories of today are stamped at their usual hours, never after this moment.
        now = timezone.now()
        for history in histories:
            item = items[history.item_code]
            flow = CaseFlow(limit_days=item.committed_limit_days, received_on=history.received_on)
            received_at = min(timezone.make_aware(datetime.combine(history.received_on, time(9, 30))), now)
            events: list[tuple[str, str, str, datetime, str, dict[str, Any]]] = [
                ("submit", "", State.RECEIVED, received_at, "", {})
            ]
            stepped_at = received_at
            for transition, on, comment, decision in history.steps:
                stepped_at = max(
                    min(timezone.make_aware(datetime.combine(on, time(10, 0))), now), received_at
                )
                for step, after in flow.advance(
                    Transition(transition), on=on, calendar=calendar, decision=decision
                ):
                    said = comment if step == transition else DEEMED_COMMENT
                    events.append((step, flow.state, after.state, stepped_at, said, {}))
                    flow = after
            given[history.received_on] += 1
            number = case_number(tenant.code, history.received_on, given[history.received_on])
            county = regions.get(history.county_code)
            department = _route(item, county, offices)
            kind = certificate_types.get(item.code)
            if kind is not None and flow.state == State.CONCLUDED and flow.decision == Decision.APPROVED:
                flow, event = _issue_imported_certificate(
                    actor=actor,
                    kind=kind,
                    flow=flow,
                    calendar=calendar,
                    holder=applicants[history.applicant_id],
                    decided_by=department,
                    answers=history.data,
                    number=number,
                    at=stepped_at,
                )
                events.append(event)
            case = Case(
                tenant=tenant,
                number=number,
                applicant_id=history.applicant_id,
                item=item,
                item_version=item.version,
                form_version=1,
                data=history.data,
                department=department,
                county=county,
                limit_days=item.committed_limit_days,
                received_on=history.received_on,
                created_at=received_at,
            )
            case.take_flow(flow, calendar)
            case.save()
            CaseMaterial.objects.bulk_create(
                CaseMaterial(tenant=tenant, case=case, order=m.order, name=m.name) for m in materials[item.pk]
            )
            CaseEvent.objects.bulk_create(
                CaseEvent(
                    tenant=tenant,
                    case=case,
                    at=at,
                    actor_label=actor.label,
                    action=action,
                    from_state=before,
                    to_state=after,
                    comment=comment,
                    detail=detail,
                )
                for action, before, after, at, comment, detail in events
            )
            if history.rating is not None:
                score, tags = history.rating
                rating = Rating.objects.create(
                    tenant=tenant,
                    case=case,
                    department=case.department,
                    item=item,
                    score=score,
                    tags=list(tags),
                )
                if score <= 2:
                    opened = case.concluded_on or history.received_on
                    RectificationTicket.objects.create(
                        tenant=tenant,
                        case=case,
                        rating=rating,
                        department=case.department,
                        opened_on=opened,
                        due_on=calendar.add_working_days(opened, RECTIFICATION_DAYS).day,
                    )
        for day, last in given.items():
            if last != counters[day]:
                CaseSequence.objects.filter(tenant=tenant, day=day).update(last=last)
        stamps.touch_all(history.applicant_id for history in histories)  # their lists grew
        record_action(
            actor=actor,
            action=CasesAudit.IMPORT_HISTORY,
            tenant_code=tenant.code,
            object_type="case",
            detail={"count": len(histories)},
        )
        escalate_overdue(actor=actor, day=law_day())
    return len(histories)


def _issue_imported_certificate(
    *,
    actor: Actor,
    kind: CertificateType,
    flow: CaseFlow,
    calendar: WorkCalendar,
    holder: User,
    decided_by: Department,
    answers: dict[str, Any],
    number: str,
    at: datetime,
) -> tuple[CaseFlow, tuple[str, str, str, datetime, str, dict[str, Any]]]:
    """The last step of an imported approved case, written as a conclusion
    writes a live one, with the certificate issued when the case concluded. Imported
    history tells nobody of its steps: no state-change event goes to the outbox."""
    certificate = issue_certificate(
        actor=actor,
        kind=kind,
        holder=holder,
        answers=answers,
        case_number=number,
        decided_by=decided_by,
        issued_at=at,
    )
    assert flow.concluded_on is not None
    issued = flow.apply(Transition.ISSUE_CERTIFICATE, on=flow.concluded_on, calendar=calendar)
    detail = {"certificate": certificate.number}
    record_action(
        actor=actor,
        action=CasesAudit.ISSUE_CERTIFICATE,
        tenant_code=kind.tenant.code,
        object_type="case",
        object_id=number,
        detail={"from": flow.state, "to": issued.state, **detail},
    )
    event = (
        Transition.ISSUE_CERTIFICATE.value,
        flow.state,
        issued.state,
        at,
        certificate.number,
        detail,
    )
    return issued, event
