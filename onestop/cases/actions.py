"""Every write of the case workflow.

Each action takes a keyword-only ``actor``, runs in one transaction, records itself in the
audit log and writes a ``cases.case.state_changed`` event to the outbox for every change
of state, which the notification relay turns into messages to the applicant.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.cases import events, formschema, uploads
from onestop.cases.error_codes import CaseErrorCode
from onestop.cases.lifecycle import (
    OFFICER_TRANSITIONS,
    CaseFlow,
    Clock,
    CorrectionPeriodOver,
    Decision,
    IllegalTransition,
    State,
    Transition,
)
from onestop.cases.models import (
    Application,
    Case,
    CaseEvent,
    CaseMaterial,
    CaseSequence,
    IdempotencyRecord,
    Rating,
    RatingTag,
    RectificationTicket,
    Upload,
)
from onestop.catalogue.access import current_form, form_version, items_by_code
from onestop.certificates.access import usable_choices
from onestop.certificates.actions import (
    certificate_type_for_item,
    certificate_types_by_item,
    do_issue_certificate,
)
from onestop.core import databases
from onestop.core.actors import ActorKind
from onestop.core.audit import Event, record_action
from onestop.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from onestop.core.models import AuditOutcome
from onestop.identity.access import accounts_by_id
from onestop.identity.permissions import Permission, has_permission
from onestop.tenancy.models import Department, Region
from onestop.workdays.calendar import WorkCalendar

if TYPE_CHECKING:
    from onestop.catalogue.models import ServiceItem
    from onestop.certificates.models import CertificateType
    from onestop.core.actors import Actor
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant

RECTIFICATION_DAYS = 15
# The history comment of a deemed acceptance, whoever's write or clock run records it.
DEEMED_COMMENT = "逾期未作出受理决定，自收到材料之日起视为受理"


def today() -> date:
    return timezone.localdate()


# --- drafts -------------------------------------------------------------------------------


def start_application(*, actor: Actor, user: User, tenant: Tenant, item: ServiceItem) -> Application:
    """The applicant's open draft for the item, or a new one on the item's current form."""
    draft = Application.objects.filter(
        tenant=tenant, applicant=user, item=item, submitted_at__isnull=True
    ).first()
    if draft is not None:
        return draft
    form = current_form(item)
    with databases.atomic():
        draft = Application.objects.create(
            tenant=tenant, applicant=user, item=item, form_version=form.version
        )
        record_action(
            actor=actor,
            action="cases.start_application",
            tenant_code=tenant.code,
            object_type="application",
            object_id=str(draft.pk),
            detail={"item": item.code},
        )
    return draft


def do_save_answers(*, actor: Actor, application: Application, answers: dict[str, Any]) -> Application:
    """Keep a step's answers in the draft (already checked by that step's form)."""
    with databases.atomic():
        draft = Application.objects.select_for_update().get(pk=application.pk, submitted_at__isnull=True)
        draft.data = {**draft.data, **{k: formschema.to_json(v) for k, v in answers.items()}}
        draft.updated_at = timezone.now()
        draft.save(update_fields=["data", "updated_at"])
        record_action(
            actor=actor,
            action="cases.save_draft",
            tenant_code=draft.tenant.code,
            object_type="application",
            object_id=str(draft.pk),
            detail={"fields": sorted(answers)},
        )
    return draft


MAX_MATERIAL_ORDER = 999


def do_attach_upload(
    *,
    actor: Actor,
    owner: User,
    tenant: Tenant,
    content: bytes,
    original_name: str,
    material_order: int,
    application: Application | None = None,
) -> Upload:
    if not 0 <= material_order <= MAX_MATERIAL_ORDER:
        raise ValidationFailed(CaseErrorCode.MATERIAL_UNKNOWN, _("No such material."), field="material_order")
    checked = uploads.check_file(content)
    if checked == "too_large":
        raise ValidationFailed(
            CaseErrorCode.UPLOAD_TOO_LARGE, _("A file may have at most 10 MB."), field="file"
        )
    if checked == "pixels":
        raise ValidationFailed(
            CaseErrorCode.UPLOAD_IMAGE_TOO_LARGE,
            _("An image may have at most 10,000 pixels on a side and 40 million in all."),
            field="file",
        )
    if isinstance(checked, str):
        raise ValidationFailed(
            CaseErrorCode.UPLOAD_INVALID, _("Upload a PDF, JPEG or PNG file."), field="file"
        )
    with databases.atomic():
        upload = Upload.objects.create(
            tenant=tenant,
            owner=owner,
            application=application,
            material_order=material_order,
            storage_name=uploads.store(tenant.code, checked),
            original_name=original_name[:200],
            content_type=checked.content_type,
            size=len(checked.content),
            sha256=checked.sha256,
        )
        record_action(
            actor=actor,
            action="cases.upload",
            tenant_code=tenant.code,
            object_type="upload",
            object_id=str(upload.pk),
            detail={"material": material_order, "size": upload.size},
        )
    return upload


def do_claim_uploads(*, actor: Actor, application: Application, upload_ids: list[int]) -> int:
    """Files the applicant uploaded before the draft existed (through the API) join it;
    another person's uploads are left alone."""
    with databases.atomic():
        claimed = Upload.objects.filter(
            tenant=application.tenant, owner=application.applicant, pk__in=upload_ids
        ).update(application=application)
        if claimed:
            record_action(
                actor=actor,
                action="cases.claim_uploads",
                tenant_code=application.tenant.code,
                object_type="application",
                object_id=str(application.pk),
                detail={"count": claimed},
            )
    return claimed


# --- submission ---------------------------------------------------------------------------


def _route(
    item: ServiceItem,
    county: Region | None,
    offices: Mapping[tuple[str, int], Department] | None = None,
) -> Department:
    """The implementing department: for a county-level item the office of its line in the
    applicant's county (or, lacking one, city); for a city-level item the office in the
    applicant's city; otherwise the item's own department. ``offices`` (from
    ``_local_offices``) spares the lookups when many cases are routed at once."""
    department = item.department
    if county is None:
        return department
    places = {"county": [county, county.parent], "city": [county.parent]}.get(item.exercise_level, [])
    for region in places:
        if region is None:
            continue
        if offices is not None:
            local = offices.get((department.line, region.pk))
        else:
            local = Department.objects.filter(tenant=item.tenant, line=department.line, region=region).first()
        if local is not None:
            return local
    return department


def _local_offices(tenant: Tenant) -> dict[tuple[str, int], Department]:
    """The first department of each line in each region, as ``_route`` finds it."""
    offices: dict[tuple[str, int], Department] = {}
    for department in Department.objects.filter(tenant=tenant).order_by("pk"):
        offices.setdefault((department.line, department.region_id), department)
    return offices


def _case_number(tenant: Tenant, on: date, sequence: int) -> str:
    return f"{tenant.code.upper()}{on:%Y%m%d}{sequence:05d}"


def _next_number(tenant: Tenant, on: date) -> str:
    sequence, _ = CaseSequence.objects.select_for_update().get_or_create(tenant=tenant, day=on)
    CaseSequence.objects.filter(pk=sequence.pk).update(last=F("last") + 1)
    sequence.refresh_from_db(fields=["last"])
    return _case_number(tenant, on, sequence.last)


def _state_event(case: Case, action: str, *, paper_licence: bool = False) -> Event:
    return Event(
        events.CASE_STATE_CHANGED,
        {
            "tenant": case.tenant.code,
            "case": case.number,
            "applicant": case.applicant_id,
            "item": case.item.name,
            "item_en": case.item.name_en,
            "state": case.state,
            "public_state": case.public_state,
            "action": action,
            "decision": case.decision,
            "due_on": case.due_on.isoformat() if case.due_on else None,
            "due_for": case.clock.value if case.clock else None,
            "item_code": case.item.code,
            "via_app": case.submitted_via_app,
            "handled_by_app": case.handled_by_app,
            "paper_licence": paper_licence,
        },
    )


def do_submit_application(*, actor: Actor, application: Application) -> Case:
    """Turn a complete draft into a case: the answers are checked against the form, every
    required material must be there, and the applicant's identity level must reach the
    item's minimum."""
    user, item, tenant = application.applicant, application.item, application.tenant
    if user.trust_level < item.min_trust_level:
        raise Forbidden(
            CaseErrorCode.TRUST_LEVEL_TOO_LOW,
            _("This service needs identity level L%(level)s: verify your identity first.")
            % {"level": item.min_trust_level},
        )
    schema = form_version(item, application.form_version).schema
    if unknown := formschema.unknown_fields(schema, application.data):
        raise ValidationFailed(
            CaseErrorCode.FORM_UNKNOWN_FIELDS,
            _("This form has no field named %(fields)s.") % {"fields": ", ".join(unknown)},
            params={"unknown": unknown},
        )
    problems = formschema.validation_errors(schema, application.data)
    if problems:
        field, message = next(iter(problems.items()))
        label = formschema.field_label(schema, field) if field else ""
        text = (
            _("The form is not complete: %(field)s.") % {"field": label}
            if label
            else _("The form's answers are not valid: %(detail)s") % {"detail": message}
        )
        raise ValidationFailed(
            CaseErrorCode.FORM_INVALID,
            text,
            field=field or None,
            params={"problems": problems, "detail": message},
        )
    attached = {u.material_order: u for u in application.uploads.all()}
    # A wallet certificate revoked or expired since it was chosen meets its material no more.
    from_wallet = usable_choices(tenant, user, application.wallet)
    fetched = {int(order) for order in application.fetch}
    materials = list(item.materials.all())
    missing = [
        m.name
        for m in materials
        if m.required
        and not m.filled_online
        and m.order not in attached
        and m.order not in from_wallet
        and not (m.order in fetched and m.certificate_type)
    ]
    if missing:
        raise ValidationFailed(
            CaseErrorCode.MATERIAL_MISSING,
            _("Materials missing: %(names)s.") % {"names": "、".join(missing)},
            field="materials",
            params={"missing": missing},
        )
    county = None
    if code := application.data.get("county"):
        county = Region.objects.filter(tenant=tenant, code=code).select_related("parent").first()
    calendar = WorkCalendar()
    on = today()
    with databases.atomic():
        draft = Application.objects.select_for_update().get(pk=application.pk)
        if draft.submitted_at is not None:
            raise Conflict(CaseErrorCode.APPLICATION_NOT_FOUND, _("This application was submitted already."))
        flow = CaseFlow(limit_days=item.committed_limit_days, received_on=on)
        case = Case(
            tenant=tenant,
            number=_next_number(tenant, on),
            applicant=user,
            item=item,
            item_version=item.version,
            form_version=draft.form_version,
            data=draft.data,
            department=_route(item, county),
            county=county,
            limit_days=item.committed_limit_days,
            received_on=on,
            handled_by_app=item.back_office_app,
            submitted_via_app=actor.id if actor.kind == ActorKind.PARTNER_APP else "",
        )
        case.take_flow(flow, calendar)
        case.save()
        CaseMaterial.objects.bulk_create(
            CaseMaterial(
                tenant=tenant,
                case=case,
                order=m.order,
                name=m.name,
                upload=attached.get(m.order),
                certificate_id=from_wallet.get(m.order, ""),
                fetch_consented=m.order in fetched and bool(m.certificate_type),
            )
            for m in materials
        )
        CaseEvent.objects.create(
            tenant=tenant,
            case=case,
            actor=user,
            actor_label=user.phone_masked,
            action="submit",
            to_state=case.state,
        )
        draft.submitted_at = timezone.now()
        draft.save(update_fields=["submitted_at"])
        record_action(
            actor=actor,
            action="cases.submit",
            tenant_code=tenant.code,
            object_type="case",
            object_id=case.number,
            detail={"item": item.code, "department": case.department.code},
            events=[_state_event(case, "submit")],
        )
    return case


# --- transitions ----------------------------------------------------------------------------


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
        action=f"cases.{transition}",
        tenant_code=locked.tenant.code,
        object_type="case",
        object_id=locked.number,
        detail={"from": before, "to": locked.state, **(detail or {})},
        events=events,
    )


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("item", "tenant").get(pk=case.pk)


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
                transition, on=today(), calendar=calendar, decision=decision, issues_certificate=issues
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
            action="cases.denied",
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
    _check_officer(officer, case, actor)
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
    with databases.atomic():
        case = _transition(
            case, transition, actor=actor, by=by, comment=comment.strip(), decision=decision, detail=detail
        )
        if transition == Transition.CONCLUDE and case.decision == Decision.APPROVED:
            # The case's last step: the certificate its item issues goes to the wallet.
            kind = certificate_type_for_item(case.tenant, case.item.code)
            if kind is not None:
                certificate = do_issue_certificate(
                    actor=actor,
                    kind=kind,
                    holder=case.applicant,
                    answers=case.data,
                    case_number=case.number,
                    decided_by=case.department,
                    handled_by_app=case.handled_by_app,
                )
                case = do_mark_certificate_issued(
                    actor=actor, case=case, certificate_number=certificate.number
                )
    return case


def do_claim(*, actor: Actor, officer: User, case: Case) -> Case:
    _check_officer(officer, case, actor)
    calendar = WorkCalendar()
    with databases.atomic():
        locked = _locked(case)
        _record_deemed(locked, actor=actor, on=today(), calendar=calendar)  # the first write
        locked.claimed_by, locked.updated_at = officer, timezone.now()
        locked.save(update_fields=["claimed_by", "updated_at"])
        record_action(
            actor=actor,
            action="cases.claim",
            tenant_code=locked.tenant.code,
            object_type="case",
            object_id=locked.number,
        )
    return locked


def do_bulk_accept(*, actor: Actor, officer: User, cases: Sequence[Case], comment: str) -> list[Case]:
    """Accept several received cases at once; all or none."""
    with databases.atomic():
        return [
            do_officer_transition(
                actor=actor,
                officer=officer,
                case=case,
                transition=Transition.ACCEPT,
                comment=comment,
            )
            for case in cases
        ]


def do_mark_certificate_issued(*, actor: Actor, case: Case, certificate_number: str) -> Case:
    """The case's last step: its certificate is in the applicant's wallet."""
    return _transition(
        case,
        Transition.ISSUE_CERTIFICATE,
        actor=actor,
        by=None,
        comment=certificate_number,
        detail={"certificate": certificate_number},
    )


def do_use_wallet_certificate(
    *, actor: Actor, application: Application, material_order: int, credential_id: str
) -> Application:
    """Meet a material with a certificate from the applicant's wallet instead of an upload
    (the caller has checked that the certificate is the applicant's and valid)."""
    with databases.atomic():
        draft = Application.objects.select_for_update().get(pk=application.pk, submitted_at__isnull=True)
        draft.wallet = {**draft.wallet, str(material_order): credential_id}
        draft.updated_at = timezone.now()
        draft.save(update_fields=["wallet", "updated_at"])
        record_action(
            actor=actor,
            action="cases.use_wallet_certificate",
            tenant_code=draft.tenant.code,
            object_type="application",
            object_id=str(draft.pk),
            detail={"material": material_order},
        )
    return draft


def do_consent_to_fetch(
    *, actor: Actor, application: Application, material_order: int, consent: bool
) -> Application:
    """Let the department fetch a material from the department that issues it, instead
    of an upload; the consent is part of the application and of its audit record."""
    with databases.atomic():
        draft = Application.objects.select_for_update().get(pk=application.pk, submitted_at__isnull=True)
        orders = {int(o) for o in draft.fetch}
        orders = orders | {material_order} if consent else orders - {material_order}
        draft.fetch, draft.updated_at = sorted(orders), timezone.now()
        draft.save(update_fields=["fetch", "updated_at"])
        record_action(
            actor=actor,
            action="cases.consent_to_fetch" if consent else "cases.withdraw_fetch",
            tenant_code=draft.tenant.code,
            object_type="application",
            object_id=str(draft.pk),
            detail={"material": material_order},
        )
    return draft


def do_resubmit(
    *, actor: Actor, applicant: User, case: Case, new_uploads: dict[int, Upload], comment: str = ""
) -> Case:
    """The applicant answers a request for correction: the case is received again."""
    if case.applicant_id != applicant.pk:
        raise NotFound(CaseErrorCode.CASE_NOT_FOUND, _("No such case."))
    with databases.atomic():
        for order, upload in new_uploads.items():
            CaseMaterial.objects.filter(case=case, order=order).update(upload=upload)
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
    return _transition(case, Transition.WITHDRAW, actor=actor, by=applicant, comment=reason)


# --- the clock's consequences (run by background tasks) -------------------------------------


def do_record_deemed_acceptance(
    *, actor: Actor, case: Case, on: date | None = None, calendar: WorkCalendar | None = None
) -> bool:
    """Record that the case counts as accepted on the day its materials arrived, if the
    law has it so by the day and nobody recorded it yet (true when this recorded it)."""
    with databases.atomic():
        return _record_deemed(
            _locked(case), actor=actor, on=on or today(), calendar=calendar or WorkCalendar()
        )


def deem_late_acceptances(*, actor: Actor, on: date | None = None) -> int:
    """Cases received longer than 5 working days ago with no answer count as accepted on
    the day their materials arrived: record it for those nobody has touched since."""
    day, calendar = on or today(), WorkCalendar()
    late = Case.objects.filter(state=State.RECEIVED, due_on__lt=day)
    return sum(
        do_record_deemed_acceptance(actor=actor, case=case, on=day, calendar=calendar) for case in late
    )


def escalate_overdue(*, actor: Actor, on: date | None = None) -> int:
    """Cases whose decision or certificate is overdue go to the department head's queue
    (once per deadline). Cases whose deemed acceptance nobody recorded yet are left to
    ``deem_late_acceptances``, which the clock runs first."""
    day = on or today()
    certificate_due = Q(state__in=[State.DECIDED, State.CONCLUDED], issues_certificate=True)
    overdue = Case.objects.filter(
        Q(state__in=[State.ACCEPTED, State.UNDER_REVIEW]) | certificate_due,
        due_on__lt=day,
        escalated_at__isnull=True,
    )
    with databases.atomic():
        rows = list(overdue.values_list("number", "tenant__code", "state"))
        overdue.update(escalated_at=timezone.now())
        for number, tenant_code, state in rows:
            clock = Clock.DECISION if state in (State.ACCEPTED, State.UNDER_REVIEW) else Clock.CERTIFICATE
            record_action(
                actor=actor,
                action="cases.escalate",
                tenant_code=tenant_code,
                object_type="case",
                object_id=number,
                detail={"clock": clock},
            )
    return len(rows)


# --- ratings --------------------------------------------------------------------------------


def do_rate(
    *,
    actor: Actor,
    applicant: User,
    case: Case,
    score: int,
    tags: Sequence[str] = (),
    comment: str = "",
) -> Rating:
    """One rating per concluded case; 1 or 2 opens a rectification ticket for the
    department, due in 15 working days."""
    if case.applicant_id != applicant.pk:
        raise NotFound(CaseErrorCode.CASE_NOT_FOUND, _("No such case."))
    if case.state not in (State.CONCLUDED, State.CERTIFICATE_ISSUED, State.NOT_ACCEPTED):
        raise Conflict(CaseErrorCode.NOT_CONCLUDED, _("A case can be rated once it is concluded."))
    if not 1 <= score <= 5 or not set(tags) <= set(RatingTag.values):
        raise ValidationFailed(
            CaseErrorCode.RATING_INVALID,
            _("Rate from 1 to 5 with the tags offered."),
            field="score",
        )
    calendar = WorkCalendar()
    with databases.atomic():
        try:
            with databases.atomic():
                rating = Rating.objects.create(
                    tenant=case.tenant,
                    case=case,
                    department=case.department,
                    item=case.item,
                    score=score,
                    tags=list(tags),
                    comment=comment[:500],
                )
        except IntegrityError:
            raise Conflict(CaseErrorCode.ALREADY_RATED, _("This case has been rated already.")) from None
        written = [
            Event(
                events.RATING_CREATED,
                {"tenant": case.tenant.code, "case": case.number, "score": score},
            )
        ]
        if score <= 2:
            opened = today()
            RectificationTicket.objects.create(
                tenant=case.tenant,
                case=case,
                rating=rating,
                department=case.department,
                opened_on=opened,
                due_on=calendar.add_working_days(opened, RECTIFICATION_DAYS).day,
            )
            written.append(
                Event(events.RECTIFICATION_OPENED, {"tenant": case.tenant.code, "case": case.number})
            )
        record_action(
            actor=actor,
            action="cases.rate",
            tenant_code=case.tenant.code,
            object_type="case",
            object_id=case.number,
            detail={"score": score, "tags": list(tags)},
            events=written,
        )
    return rating


def do_answer_rectification(
    *, actor: Actor, officer: User, ticket: RectificationTicket, answer: str
) -> RectificationTicket:
    _check_officer(officer, ticket.case, actor)
    if not answer.strip():
        raise ValidationFailed(
            CaseErrorCode.COMMENT_REQUIRED, _("Every step needs a comment."), field="answer"
        )
    with databases.atomic():
        ticket.answer, ticket.answered_at = answer.strip(), timezone.now()
        ticket.save(update_fields=["answer", "answered_at"])
        record_action(
            actor=actor,
            action="cases.answer_rectification",
            tenant_code=ticket.case.tenant.code,
            object_type="case",
            object_id=ticket.case.number,
        )
    return ticket


# --- idempotent submissions -----------------------------------------------------------------


def request_fingerprint(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def begin_idempotent(
    *, tenant: Tenant, user: User, key: str, fingerprint: str
) -> IdempotencyRecord | tuple[int, Any]:
    """Claim a key for a new request, or give the first answer of a finished one.

    The same key with another payload is refused (422); while the first request with the
    key still runs, a second one is refused (409). The caller commits the request's work
    and ``finish_idempotent`` in one transaction.
    """
    try:
        with databases.atomic():
            return IdempotencyRecord.objects.create(
                tenant=tenant, user=user, key=key, request_hash=fingerprint
            )
    except IntegrityError:
        pass
    record = IdempotencyRecord.objects.get(tenant=tenant, user=user, key=key)
    if record.request_hash != fingerprint:
        raise ValidationFailed(
            CaseErrorCode.IDEMPOTENCY_KEY_REUSED,
            _("This Idempotency-Key was used for another request."),
            field="Idempotency-Key",
        )
    if record.status is None:
        # The submission and its answer commit together, so a claim left unfinished for
        # long belongs to a request that died before committing anything: take it over.
        stale = timezone.now() - timedelta(seconds=settings.ONESTOP_IDEMPOTENCY_STALE_SECONDS)
        if IdempotencyRecord.objects.filter(pk=record.pk, status__isnull=True, created_at__lt=stale).update(
            created_at=timezone.now()
        ):
            return record
        raise Conflict(
            CaseErrorCode.IDEMPOTENCY_IN_PROGRESS,
            _("A request with this Idempotency-Key is still running."),
        )
    return record.status, record.body


def finish_idempotent(record: IdempotencyRecord, status: int, body: Any) -> None:
    if status >= 500:
        record.delete()  # a failure of ours may be retried with the same key
        return
    IdempotencyRecord.objects.filter(pk=record.pk).update(status=status, body=body)


# --- history (imports from a department's former system, and the demo) ---------------------


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
    with databases.atomic():
        # The days' counters, locked until the import commits and moved once at its end:
        # each case gets the number _next_number would have given it.
        counters: dict[date, int] = {}
        for day in sorted({h.received_on for h in histories}):
            sequence = CaseSequence.objects.select_for_update().get_or_create(tenant=tenant, day=day)[0]
            counters[day] = sequence.last
        given = dict(counters)
        for history in histories:
            item = items[history.item_code]
            flow = CaseFlow(limit_days=item.committed_limit_days, received_on=history.received_on)
            received_at = timezone.make_aware(datetime.combine(history.received_on, time(9, 30)))
            events: list[tuple[str, str, str, datetime, str, dict[str, Any]]] = [
                ("submit", "", State.RECEIVED, received_at, "", {})
            ]
            stepped_at = received_at
            for transition, on, comment, decision in history.steps:
                stepped_at = timezone.make_aware(datetime.combine(on, time(10, 0)))
                for step, after in flow.advance(
                    Transition(transition), on=on, calendar=calendar, decision=decision
                ):
                    said = comment if step == transition else DEEMED_COMMENT
                    events.append((step, flow.state, after.state, stepped_at, said, {}))
                    flow = after
            given[history.received_on] += 1
            number = _case_number(tenant, history.received_on, given[history.received_on])
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
        record_action(
            actor=actor,
            action="cases.import_history",
            tenant_code=tenant.code,
            object_type="case",
            detail={"count": len(histories)},
        )
    escalate_overdue(actor=actor)
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
    """The last step of an imported approved case, written as ``do_mark_certificate_issued``
    writes a live one, with the certificate issued when the case concluded. Imported
    history tells nobody of its steps: no state-change event goes to the outbox."""
    certificate = do_issue_certificate(
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
        action=f"cases.{Transition.ISSUE_CERTIFICATE}",
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
