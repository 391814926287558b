"""Submitting an application: checked, numbered, routed to the office that handles it; and
submitting it again safely with an Idempotency-Key."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.cases import events, formschema
from onestop.cases.access import law_day
from onestop.cases.actions.drafts import _claim_uploads, _save_answers, _start_application
from onestop.cases.audit import CasesAudit
from onestop.cases.error_codes import CaseErrorCode
from onestop.cases.lifecycle import (
    CaseFlow,
)
from onestop.cases.models import (
    Application,
    Case,
    CaseEvent,
    CaseMaterial,
    CaseSequence,
    IdempotencyRecord,
    case_number,
)
from onestop.catalogue.access import access_service_item, form_version
from onestop.certificates.access import usable_choices
from onestop.core import databases, stamps
from onestop.core.actors import ActorKind
from onestop.core.audit import Event, record_action
from onestop.core.errors import Conflict, Forbidden, OnestopError, ValidationFailed
from onestop.tenancy.models import Department, Region
from onestop.workdays.calendar import WorkCalendar

if TYPE_CHECKING:
    from onestop.catalogue.models import ServiceItem
    from onestop.core.actors import Actor
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant


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


def _next_number(tenant: Tenant, on: date) -> str:
    sequence, _ = CaseSequence.objects.select_for_update().get_or_create(tenant=tenant, day=on)
    CaseSequence.objects.of(tenant).filter(pk=sequence.pk).update(last=F("last") + 1)
    sequence.refresh_from_db(fields=["last"])
    return case_number(tenant.code, on, sequence.last)


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
    with databases.action():
        return _submit_application(actor=actor, application=application)


def _submit_application(
    *, actor: Actor, application: Application, in_one_go: Mapping[str, Any] | None = None
) -> Case:
    """``in_one_go``: what the same action did before (an API client's draft, answers and
    uploads), told in the submission's audit entry instead of entries of their own."""
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
    calendar = WorkCalendar.current()
    on = law_day()
    with databases.atomic():
        draft = Application.objects.of(application.tenant_id).select_for_update().get(pk=application.pk)
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
        stamps.touch(case.applicant_id)  # a new row in their list
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
            action=CasesAudit.SUBMIT,
            tenant_code=tenant.code,
            object_type="case",
            object_id=case.number,
            detail={"item": item.code, "department": case.department.code, **(in_one_go or {})},
            events=[_state_event(case, "submit")],
        )
    return case


def request_fingerprint(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Answer:
    """What a submission answered: kept for its Idempotency-Key and given again to a retry."""

    status: int
    body: Any


def do_submit_application_idempotently(
    *,
    actor: Actor,
    applicant: User,
    tenant: Tenant,
    item_code: str,
    answers: dict[str, Any],
    upload_ids: list[int],
    key: str,
    fingerprint: str,
    answer: Callable[[Case], Any],
) -> Answer:
    """Apply in one go (a draft, its answers, its uploads, the submission), the way an API
    client does, and keep the answer for the request's Idempotency-Key in the same
    transaction, the one durable commit of the request: a retry with the key is given the
    first answer; a crash before the commit leaves nothing, and the retry starts afresh. A
    second request with the key while the first runs waits for the first's commit (SQLite
    takes the write lock first, PostgreSQL waits on the key's unique index) and is given
    its answer. The same key with another payload is refused (422). One audit entry says
    what was done. ``answer`` turns the case into the body answered (the API's view of
    it)."""
    with databases.action():
        record = _claim_key(tenant=tenant, user=applicant, key=key, fingerprint=fingerprint) if key else None
        if isinstance(record, Answer):
            return record
        try:
            with databases.atomic():  # a refusal takes back the work, and keeps the claim
                item = access_service_item(tenant, item_code)
                draft = _start_application(actor=actor, user=applicant, tenant=tenant, item=item, audit=False)
                draft = _save_answers(actor=actor, application=draft, answers=answers, audit=False)
                # The locked draft is read afresh: give it what this action holds already.
                draft.tenant, draft.applicant, draft.item = tenant, applicant, item
                claimed = _claim_uploads(actor=actor, application=draft, upload_ids=upload_ids, audit=False)
                case = _submit_application(
                    actor=actor,
                    application=draft,
                    in_one_go={"application": draft.pk, "fields": sorted(answers), "uploads": claimed},
                )
                answered = Answer(201, answer(case))
        except OnestopError as error:
            answered = Answer(error.status, error.as_dict())
        if record is not None:
            _keep_answer(record, answered)
        return answered


def _claim_key(*, tenant: Tenant, user: User, key: str, fingerprint: str) -> IdempotencyRecord | Answer:
    """Claim a key for a new request, inside the request's transaction, or give the first
    answer of a finished one (a request running beside this one with the same key is
    waited for at the insert)."""
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
        # A claim committed without its answer (kept by versions that claimed in a
        # transaction of their own): one left unfinished for long belongs to a request
        # that died before committing anything: take it over.
        stale = timezone.now() - timedelta(seconds=settings.ONESTOP_IDEMPOTENCY_STALE_SECONDS)
        if (
            IdempotencyRecord.objects.of(record.tenant_id)
            .filter(pk=record.pk, status__isnull=True, created_at__lt=stale)
            .update(created_at=timezone.now())
        ):
            return record
        raise Conflict(
            CaseErrorCode.IDEMPOTENCY_IN_PROGRESS,
            _("A request with this Idempotency-Key is still running."),
        )
    return Answer(record.status, record.body)


def _keep_answer(record: IdempotencyRecord, answered: Answer) -> None:
    if answered.status >= 500:
        record.delete()  # a failure of ours may be retried with the same key
        return
    IdempotencyRecord.objects.of(record.tenant_id).filter(pk=record.pk).update(
        status=answered.status, body=answered.body
    )
