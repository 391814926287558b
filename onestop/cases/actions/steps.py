"""The steps of a case's lifecycle, by the department, a service module's back office, the
applicant or the clock: each applies ``cases.lifecycle``, stores the result, records an
audit entry and writes a ``cases.case.state_changed`` event."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.cases.access import law_day
from onestop.cases.actions.submission import _state_event
from onestop.cases.audit import CasesAudit
from onestop.cases.error_codes import CaseErrorCode
from onestop.cases.lifecycle import (
    OFFICER_TRANSITIONS,
    CaseFlow,
    CorrectionPeriodOver,
    Decision,
    IllegalTransition,
    Transition,
)
from onestop.cases.models import (
    Case,
    CaseEvent,
    Upload,
)
from onestop.certificates.access import certificate_type_for_item
from onestop.certificates.actions import issue_certificate
from onestop.core import databases, stamps
from onestop.core.audit import record_action
from onestop.core.errors import Conflict, NotFound, ValidationFailed
from onestop.core.models import AuditOutcome
from onestop.identity.permissions import Permission, has_permission
from onestop.workdays.calendar import WorkCalendar

if TYPE_CHECKING:
    from datetime import date

    from onestop.core.actors import Actor
    from onestop.identity.models import User

RECTIFICATION_DAYS = 15


# The history comment of a deemed acceptance, whoever's write or clock run records it.
DEEMED_COMMENT = "逾期未作出受理决定，自收到材料之日起视为受理"


def _record_deemed(locked: Case, *, actor: Actor, on: date, calendar: WorkCalendar) -> bool:
    """Record the deemed acceptance the law has by the day, if nobody has yet."""
    law = locked.flow.as_of(on, calendar)
    if law.state == locked.state:
        return False
    _record(
        locked,
        Transition.DEEM_ACCEPTED,
        law,
        actor=actor,
        by=None,
        comment=DEEMED_COMMENT,
        calendar=calendar,
        detail={"accepted_on": law.received_on.isoformat()},
    )
    return True


def _issues_certificate(case: Case) -> bool:
    """Whether an approval of the case's item issues a certificate: an electronic one of
    a type that covers the item, or a paper licence the item says it issues."""
    return (
        case.item.issues_paper_licence or certificate_type_for_item(case.tenant, case.item.code) is not None
    )


def _record(
    locked: Case,
    transition: Transition,
    flow: CaseFlow,
    *,
    actor: Actor,
    by: User | None,
    comment: str,
    calendar: WorkCalendar,
    detail: dict[str, Any] | None = None,
) -> None:
    """Store one step of a locked case with its history entry, audit entry and event."""
    before, clock = locked.state, locked.clock
    locked.take_flow(flow, calendar)
    locked.updated_at = timezone.now()
    if locked.clock != clock:
        locked.escalated_at = None  # an escalation is about the deadline that ran out
    locked.save()
    stamps.touch(locked.applicant_id)  # the applicant's own pages show the step
    label = (by.display_name or by.phone_masked) if by else actor.label
    CaseEvent.objects.create(
        tenant=locked.tenant,
        case=locked,
        actor=by,
        actor_label=label,
        action=transition,
        from_state=before,
        to_state=locked.state,
        comment=comment,
        detail=detail or {},
    )
    events = (
        [_state_event(locked, transition, paper_licence=bool((detail or {}).get("paper_licence")))]
        if locked.state != before or transition == Transition.EXTEND
        else []
    )
    record_action(
        actor=actor,
        action=CasesAudit(f"cases.{transition}"),
        tenant_code=locked.tenant.code,
        object_type="case",
        object_id=locked.number,
        detail={"from": before, "to": locked.state, **(detail or {})},
        events=events,
    )


def _locked(case: Case) -> Case:
    return (
        Case.objects.of(case.tenant_id).select_for_update().select_related("item", "tenant").get(pk=case.pk)
    )


def _transition(
    case: Case,
    transition: Transition,
    *,
    actor: Actor,
    by: User | None,
    comment: str,
    decision: str = "",
    detail: dict[str, Any] | None = None,
) -> Case:
    calendar = WorkCalendar()
    with databases.atomic():
        locked = _locked(case)
        issues = (
            transition == Transition.DECIDE and decision == Decision.APPROVED and _issues_certificate(locked)
        )
        try:
            # The deemed acceptance the law has by today comes first, whoever writes first.
            steps = locked.flow.advance(
                transition, on=law_day(), calendar=calendar, decision=decision, issues_certificate=issues
            )
        except CorrectionPeriodOver:
            raise Conflict(
                CaseErrorCode.CORRECTION_PERIOD_OVER,
                _(
                    "The 5 working days to answer this application are over: it already counts "
                    "as accepted on the day the materials arrived."
                ),
                params={"received_on": locked.received_on.isoformat()},
            ) from None
        except IllegalTransition as error:
            raise Conflict(
                CaseErrorCode.TRANSITION_NOT_ALLOWED,
                _("This step is not possible in the case's present state."),
                params={"reason": error.reason},
            ) from None
        for step, flow in steps:
            if step == transition:
                _record(
                    locked, step, flow, actor=actor, by=by, comment=comment, calendar=calendar, detail=detail
                )
            else:
                _record(
                    locked,
                    step,
                    flow,
                    actor=actor,
                    by=None,
                    comment=DEEMED_COMMENT,
                    calendar=calendar,
                    detail={"accepted_on": flow.received_on.isoformat()},
                )
    return locked


def _check_officer(officer: User, case: Case, actor: Actor) -> None:
    # A case handled by a partner app's back office is not the console's to act on.
    if case.handled_by_app or not has_permission(
        officer, Permission.HANDLE_CASES, tenant=case.tenant, department=case.department
    ):
        record_action(
            actor=actor,
            action=CasesAudit.DENIED,
            tenant_code=case.tenant.code,
            object_type="case",
            object_id=case.number,
            outcome=AuditOutcome.DENIED,
        )
        # Not the officer's department: the case answers as if it did not exist.
        raise NotFound(CaseErrorCode.CASE_NOT_FOUND, _("No such case."))


def do_officer_transition(
    *,
    actor: Actor,
    officer: User,
    case: Case,
    transition: Transition,
    comment: str,
    decision: str = "",
    missing: Sequence[str] = (),
    redirect_to: str = "",
) -> Case:
    """An officer's step on a case of their department, always with a comment. A request
    for correction lists everything missing at once; a refusal of acceptance says where
    to go instead."""
    _check_officer(officer, case, actor)  # a refusal is recorded, outside the transaction
    with databases.action():
        return _step(
            actor=actor,
            by=officer,
            case=case,
            transition=transition,
            comment=comment,
            decision=decision,
            missing=missing,
            redirect_to=redirect_to,
        )


def do_module_transition(
    *,
    actor: Actor,
    app_client_id: str,
    case: Case,
    transition: Transition,
    comment: str,
    decision: str = "",
    missing: Sequence[str] = (),
    redirect_to: str = "",
) -> Case:
    """A partner app's step on a case its back office handles: the same steps, rules and
    comments as an officer's."""
    if not app_client_id or case.handled_by_app != app_client_id:
        raise NotFound(CaseErrorCode.CASE_NOT_FOUND, _("No such case."))
    with databases.action():
        return _step(
            actor=actor,
            by=None,
            case=case,
            transition=transition,
            comment=comment,
            decision=decision,
            missing=missing,
            redirect_to=redirect_to,
        )


def _step(
    *,
    actor: Actor,
    by: User | None,
    case: Case,
    transition: Transition,
    comment: str,
    decision: str,
    missing: Sequence[str],
    redirect_to: str,
) -> Case:
    if transition not in OFFICER_TRANSITIONS:
        raise Conflict(
            CaseErrorCode.TRANSITION_NOT_ALLOWED,
            _("This step is not possible in the case's present state."),
        )
    if not comment.strip():
        raise ValidationFailed(
            CaseErrorCode.COMMENT_REQUIRED, _("Every step needs a comment."), field="comment"
        )
    detail: dict[str, Any] = {}
    if transition == Transition.REQUEST_CORRECTION:
        if not missing:
            raise ValidationFailed(
                CaseErrorCode.CORRECTION_EMPTY,
                _("List everything that is missing."),
                field="missing",
            )
        detail["missing"] = list(missing)
    if transition == Transition.NOT_ACCEPT:
        detail["redirect_to"] = redirect_to.strip()
    if transition == Transition.ISSUE_CERTIFICATE:
        # By hand only for a paper licence: the platform issues an electronic certificate
        # itself when the case is concluded.
        if not case.item.issues_paper_licence:
            raise Conflict(
                CaseErrorCode.TRANSITION_NOT_ALLOWED,
                _("This step is not possible in the case's present state."),
                params={"reason": "the item issues no paper licence"},
            )
        detail["paper_licence"] = True
    case = _transition(
        case, transition, actor=actor, by=by, comment=comment.strip(), decision=decision, detail=detail
    )
    if transition == Transition.CONCLUDE and case.decision == Decision.APPROVED:
        # The case's last step: the certificate its item issues goes to the wallet.
        kind = certificate_type_for_item(case.tenant, case.item.code)
        if kind is not None:
            certificate = issue_certificate(
                actor=actor,
                kind=kind,
                holder=case.applicant,
                answers=case.data,
                case_number=case.number,
                decided_by=case.department,
                handled_by_app=case.handled_by_app,
            )
            case = _mark_certificate_issued(actor=actor, case=case, certificate_number=certificate.number)
    return case


def do_claim(*, actor: Actor, officer: User, case: Case) -> Case:
    _check_officer(officer, case, actor)
    calendar = WorkCalendar()
    with databases.action():
        locked = _locked(case)
        _record_deemed(locked, actor=actor, on=law_day(), calendar=calendar)  # the first write
        locked.claimed_by, locked.updated_at = officer, timezone.now()
        locked.save(update_fields=["claimed_by", "updated_at"])  # nothing the applicant's pages show
        record_action(
            actor=actor,
            action=CasesAudit.CLAIM,
            tenant_code=locked.tenant.code,
            object_type="case",
            object_id=locked.number,
        )
    return locked


def do_bulk_accept(*, actor: Actor, officer: User, cases: Sequence[Case], comment: str) -> list[Case]:
    """Accept several received cases at once; all or none."""
    for case in cases:
        _check_officer(officer, case, actor)
    with databases.action():
        return [
            _step(
                actor=actor,
                by=officer,
                case=case,
                transition=Transition.ACCEPT,
                comment=comment,
                decision="",
                missing=(),
                redirect_to="",
            )
            for case in cases
        ]


def do_mark_certificate_issued(*, actor: Actor, case: Case, certificate_number: str) -> Case:
    """The case's last step: its certificate is in the applicant's wallet."""
    with databases.action():
        return _mark_certificate_issued(actor=actor, case=case, certificate_number=certificate_number)


def _mark_certificate_issued(*, actor: Actor, case: Case, certificate_number: str) -> Case:
    return _transition(
        case,
        Transition.ISSUE_CERTIFICATE,
        actor=actor,
        by=None,
        comment=certificate_number,
        detail={"certificate": certificate_number},
    )


def do_resubmit(
    *, actor: Actor, applicant: User, case: Case, new_uploads: dict[int, Upload], comment: str = ""
) -> Case:
    """The applicant answers a request for correction: the case is received again."""
    if case.applicant_id != applicant.pk:
        raise NotFound(CaseErrorCode.CASE_NOT_FOUND, _("No such case."))
    with databases.action():
        for order, upload in new_uploads.items():
            case.materials.filter(order=order).update(upload=upload)
        return _transition(
            case,
            Transition.RESUBMIT,
            actor=actor,
            by=applicant,
            comment=comment,
            detail={"materials": sorted(new_uploads)},
        )


def do_withdraw(*, actor: Actor, applicant: User, case: Case, reason: str = "") -> Case:
    if case.applicant_id != applicant.pk:
        raise NotFound(CaseErrorCode.CASE_NOT_FOUND, _("No such case."))
    with databases.action():
        return _transition(case, Transition.WITHDRAW, actor=actor, by=applicant, comment=reason)
