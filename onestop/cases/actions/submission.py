"""Submitting an application: checked, numbered, routed to the office that handles it; and
submitting it again safely with an Idempotency-Key."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError
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
    Upload,
    case_number,
)
from onestop.catalogue.access import access_service_item, current_form, form_version
from onestop.certificates.access import usable_choices
from onestop.core import databases, stamps
from onestop.core.actors import ActorKind
from onestop.core.audit import Event, record_action
from onestop.core.errors import Conflict, Forbidden, OnestopError, ValidationFailed
from onestop.core.groupcommit import commit_grouped
from onestop.core.rows import advance
from onestop.tenancy.models import Department, Region
from onestop.workdays.calendar import WorkCalendar

if TYPE_CHECKING:
    from onestop.catalogue.models import Material, ServiceItem
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
    """The day's next number: one statement that moves the day's counter and says where
    it stands, under the row's lock until the submission commits; the day's first
    submission makes the counter (``core.rows.advance``)."""
    return case_number(tenant.code, on, advance(CaseSequence, "last", tenant=tenant, day=on))


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


@dataclass(frozen=True, slots=True)
class _Checked:
    """What a submission was checked against, read before anything of it is written."""

    county: Region | None
    department: Department
    materials: list[Material]
    attached: dict[int, Upload]  # material order -> the file that meets it
    from_wallet: dict[int, str]  # material order -> the wallet certificate that meets it
    fetched: set[int]  # material orders the department may fetch


def _check_submission(*, application: Application, attached: dict[int, Upload]) -> _Checked:
    """The checks of a submission: the answers against the form, every required material
    there, the applicant's identity level at the item's minimum; and where it goes."""
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
    return _Checked(county, _route(item, county), materials, attached, from_wallet, fetched)


def _attached(uploads: Iterable[Upload]) -> dict[int, Upload]:
    return {u.material_order: u for u in sorted(uploads, key=lambda u: u.pk)}


def _submit_application(
    *, actor: Actor, application: Application, in_one_go: Mapping[str, Any] | None = None
) -> Case:
    """``in_one_go``: what the same action did before (an API client's draft, answers and
    uploads), told in the submission's audit entry instead of entries of their own."""
    checked = _check_submission(application=application, attached=_attached(application.uploads.all()))
    with databases.atomic():
        draft = Application.objects.of(application.tenant_id).select_for_update().get(pk=application.pk)
        if draft.submitted_at is not None:
            raise Conflict(CaseErrorCode.APPLICATION_NOT_FOUND, _("This application was submitted already."))
        draft.tenant, draft.applicant, draft.item = (
            application.tenant,
            application.applicant,
            application.item,
        )
        return _write_case(actor=actor, application=draft, checked=checked, in_one_go=in_one_go)


def _write_case(
    *, actor: Actor, application: Application, checked: _Checked, in_one_go: Mapping[str, Any] | None
) -> Case:
    """The writes of a submission, checked already: the case numbered and routed, its
    materials and first history entry, the application marked submitted (unless it was
    written so), one audit entry and the event."""
    user, item, tenant = application.applicant, application.item, application.tenant
    calendar = WorkCalendar.current()
    on = law_day()
    flow = CaseFlow(limit_days=item.committed_limit_days, received_on=on)
    case = Case(
        tenant=tenant,
        number=_next_number(tenant, on),
        applicant=user,
        item=item,
        item_version=item.version,
        form_version=application.form_version,
        data=application.data,
        department=checked.department,
        county=checked.county,
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
            upload=checked.attached.get(m.order),
            certificate_id=checked.from_wallet.get(m.order, ""),
            fetch_consented=m.order in checked.fetched and bool(m.certificate_type),
        )
        for m in checked.materials
    )
    CaseEvent.objects.create(
        tenant=tenant,
        case=case,
        actor=user,
        actor_label=user.phone_masked,
        action="submit",
        to_state=case.state,
    )
    if application.submitted_at is None:
        application.submitted_at = timezone.now()
        application.save(update_fields=["submitted_at"])
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
    its answer; on SQLite, submissions that wait for the write lock commit together
    (``core.groupcommit``), each in a savepoint of its own, none answered before that
    commit. The same key with another payload is refused (422). One audit entry says
    what was done. ``answer`` turns the case into the body answered (the API's view of
    it).

    What the submission reads and checks (the item, its form and materials, the files,
    the answers, where the case goes) is read before the transaction, which then only
    writes: on SQLite a transaction holds the database's one write lock from its start,
    and every other writer waits for it. An applicant with a draft of the item open has
    it taken over inside the transaction, as are files that changed hands in between."""
    asked = _Asked(applicant, tenant, item_code, answers, upload_ids)
    try:
        prepared: _InOneGo | OnestopError | None = _prepare_in_one_go(asked)
    except OnestopError as error:
        prepared = error  # answered, and kept for the key, inside the transaction

    def write() -> Answer:
        record = _claim_key(tenant=tenant, user=applicant, key=key, fingerprint=fingerprint) if key else None
        if isinstance(record, Answer):
            return record
        try:
            with databases.atomic():  # a refusal takes back the work, and keeps the claim
                if isinstance(prepared, OnestopError):
                    raise prepared
                case = _submit_prepared(actor=actor, prepared=prepared) if prepared is not None else None
                if case is None:
                    case = _submit_taking_over(actor=actor, asked=asked)
                answered = Answer(201, answer(case))
        except OnestopError as error:
            answered = Answer(error.status, error.as_dict())
        if record is not None:
            _keep_answer(record, answered)
        return answered

    return commit_grouped(write)


@dataclass(frozen=True, slots=True)
class _Asked:
    """What an API client's submission in one go asks for."""

    applicant: User
    tenant: Tenant
    item_code: str
    answers: dict[str, Any]
    upload_ids: list[int]


@dataclass(frozen=True, slots=True)
class _InOneGo:
    """A submission in one go, read and checked: a new application (not yet written),
    the files it claims and what the checks found."""

    application: Application
    uploads: list[int]
    fields: list[str]
    checked: _Checked


def _prepare_in_one_go(asked: _Asked) -> _InOneGo | None:
    """What a submission in one go reads and checks, outside any transaction; None when
    the applicant has a draft of the item open (it is taken over in the transaction)."""
    tenant, applicant = asked.tenant, asked.applicant
    item = access_service_item(tenant, asked.item_code)
    if Application.objects.filter(
        tenant=tenant, applicant=applicant, item=item, submitted_at__isnull=True
    ).exists():
        return None
    application = Application(
        tenant=tenant,
        applicant=applicant,
        item=item,
        form_version=current_form(item).version,
        data={name: formschema.to_json(value) for name, value in asked.answers.items()},
    )
    files = list(Upload.objects.filter(tenant=tenant, owner=applicant, pk__in=asked.upload_ids))
    checked = _check_submission(application=application, attached=_attached(files))
    return _InOneGo(application, sorted(f.pk for f in files), sorted(asked.answers), checked)


def _submit_prepared(*, actor: Actor, prepared: _InOneGo) -> Case | None:
    """The writes of a prepared submission; None, with nothing written, when its files
    changed hands since they were read."""
    application = prepared.application
    try:
        with databases.atomic():
            application.submitted_at = timezone.now()
            application.save(force_insert=True)
            claimed = Upload.objects.filter(
                tenant=application.tenant, owner=application.applicant, pk__in=prepared.uploads
            ).update(application=application)
            if claimed != len(prepared.uploads):
                raise _FilesChanged
            return _write_case(
                actor=actor,
                application=application,
                checked=prepared.checked,
                in_one_go={"application": application.pk, "fields": prepared.fields, "uploads": claimed},
            )
    except _FilesChanged:
        return None  # the rolled-back application is not used again


class _FilesChanged(Exception):
    pass


def _submit_taking_over(*, actor: Actor, asked: _Asked) -> Case:
    """A submission in one go read and written in the transaction: the applicant's open
    draft of the item taken over, its answers merged, the files claimed."""
    tenant, applicant = asked.tenant, asked.applicant
    item = access_service_item(tenant, asked.item_code)
    draft = _start_application(actor=actor, user=applicant, tenant=tenant, item=item, audit=False)
    draft = _save_answers(actor=actor, application=draft, answers=asked.answers, audit=False)
    # The locked draft is read afresh: give it what this action holds already.
    draft.tenant, draft.applicant, draft.item = tenant, applicant, item
    claimed = _claim_uploads(actor=actor, application=draft, upload_ids=asked.upload_ids, audit=False)
    return _submit_application(
        actor=actor,
        application=draft,
        in_one_go={"application": draft.pk, "fields": sorted(asked.answers), "uploads": claimed},
    )


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
