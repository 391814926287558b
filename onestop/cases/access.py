"""Reads of cases: an applicant sees their own, an officer those of their departments.
Anyone else's case answers exactly like a missing one.

Every read shows a case as the law has it today: one left unanswered for 5 working days
after receipt counts as accepted on receipt even before a write or the clock records it
(``as_of`` for cases in hand, ``with_law`` for filters and counts in the database).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypedDict

from django.db import models
from django.db.models import F, Q, QuerySet, Value, When
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.cases.error_codes import CaseErrorCode
from onestop.cases.lifecycle import DUE_SOON_DAYS, SlaState, State
from onestop.cases.models import Application, Case, RectificationTicket, Upload
from onestop.catalogue.access import page_generation
from onestop.certificates.access import access_held_certificate
from onestop.certificates.error_codes import CertificateErrorCode
from onestop.core.errors import NotFound
from onestop.identity.access import id_number_hash
from onestop.identity.kinds import RoleKind
from onestop.identity.pages import own_page_generation
from onestop.identity.permissions import Permission, has_permission, roles_of
from onestop.messaging.phones import is_mobile, normalize_phone, phone_hash
from onestop.workdays.calendar import WorkCalendar

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from onestop.cases.models import CaseMaterial
    from onestop.certificates.models import Certificate
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant

OPEN_STATES = [
    State.RECEIVED,
    State.CORRECTION_REQUESTED,
    State.ACCEPTED,
    State.UNDER_REVIEW,
    State.SPECIAL_PROCEDURE,
]
# What the queue shows unless asked for a state: open cases, decided ones still to be
# concluded, and concluded ones whose certificate is still to be issued.
QUEUE = Q(law_state__in=[*OPEN_STATES, State.DECIDED]) | Q(law_state=State.CONCLUDED, issues_certificate=True)


class LawFields(TypedDict):
    law_state: str
    law_due_on: date | None


def with_law(cases: QuerySet[Case], on: date) -> QuerySet[WithAnnotations[Case, LawFields]]:
    """The cases annotated with ``law_state`` and ``law_due_on``: their state and deadline
    as the law has them on the day. A received case past its 5 working days (its stored
    deadline) counts as accepted, with its decision due from the day of receipt."""
    deemed = Q(state=State.RECEIVED, due_on__lt=on)
    return cases.annotate(
        law_state=models.Case(When(deemed, then=Value(State.ACCEPTED.value)), default=F("state")),
        law_due_on=models.Case(When(deemed, then=F("deemed_due_on")), default=F("due_on")),
    )


def as_of(cases: Iterable[Case], on: date, calendar: WorkCalendar | None = None) -> list[Case]:
    """The cases as the law has them on the day, in memory (the calendar is read only if
    one of them was received and not yet answered)."""
    shown = []
    for case in cases:
        if case.state == State.RECEIVED:
            calendar = calendar or WorkCalendar.current()
            case.as_of(on, calendar)
        shown.append(case)
    return shown


def law_day() -> date:
    """The day the law counts on: today in the platform's time zone."""
    return timezone.localdate()


# --- the applicant's own pages, kept per person ----------------------------------------
# "My applications" and the page of each case are read far more often than a person's
# cases change. They are kept whole (core.pagecache) per person, language, address, law
# day and catalogue generation (the items' names), under the person's stamp
# (core.stamps): every case action that changes what they show moves it in its own
# transaction, and reading it is one lookup by key, in every process alike.


_own_cases = own_page_generation("cases")


def applicant_page_generation(request: HttpRequest, kwargs: dict[str, Any]) -> str | None:
    """What the signed-in applicant's own pages show; None (not kept) for anyone else."""
    own = _own_cases(request, kwargs)  # the person, their stamp, the law's day
    return None if own is None else f"{own}:{page_generation(request, kwargs)}"


def _today(case: Case) -> Case:
    return as_of([case], law_day())[0]


def is_open(case: Case) -> bool:
    """Whether the case still takes work: data may be looked up for it only then."""
    return case.state in OPEN_STATES


def cases_of_applicant(tenant: Tenant, user: User, *, via_app: str | None = None) -> QuerySet[Case]:
    """The applicant's cases; ``via_app`` keeps those applied for through that partner
    app (what an app acting for the applicant may see)."""
    cases = Case.objects.filter(tenant=tenant, applicant=user)
    if via_app is not None:
        cases = cases.filter(submitted_via_app=via_app)
    return cases.select_related("item", "department").order_by("-created_at")


def access_case_for_applicant(tenant: Tenant, user: User, number: str, *, via_app: str | None = None) -> Case:
    case = cases_of_applicant(tenant, user, via_app=via_app).filter(number=number).first()
    if case is None:
        raise NotFound(CaseErrorCode.CASE_NOT_FOUND, _("No such case."))
    return _today(case)


def access_draft(tenant: Tenant, user: User, application_id: int | str) -> Application:
    try:
        draft = (
            Application.objects.select_related("item", "item__department")
            .filter(tenant=tenant, applicant=user, pk=int(application_id), submitted_at__isnull=True)
            .first()
        )
    except (TypeError, ValueError):
        draft = None
    if draft is None:
        raise NotFound(CaseErrorCode.APPLICATION_NOT_FOUND, _("No such application."))
    return draft


def _officer_scope(tenant: Tenant, officer: User) -> Q | None:
    """The cases an officer may see: their departments' (department roles), the whole
    tenant (platform operators); None when they may see none. Cases a partner app's back
    office handles are never the console's."""
    console = Q(handled_by_app="")
    scope = Q(pk__in=[])
    found = False
    for role in roles_of(officer):
        if role.kind == RoleKind.PLATFORM_OPERATOR:
            return console
        if (
            role.tenant_id == tenant.id
            and role.department_id
            and role.kind in (RoleKind.OFFICER, RoleKind.DEPARTMENT_HEAD)
        ):
            scope |= Q(department_id=role.department_id)
            found = True
    return (scope & console) if found else None


@dataclass(frozen=True, slots=True)
class QueueFilter:
    search: str = ""  # a case number, or the applicant's mobile or ID number
    state: str = ""
    sla: str = ""
    item: str = ""
    escalated: bool = False
    mine: bool = False


def _search(term: str) -> Q:
    """A case number, or the applicant's mobile or ID number: people are found through the
    keyed hashes of their numbers, never by their plaintext."""
    phone = normalize_phone(term)
    if is_mobile(phone):
        return Q(applicant__phone_hash=phone_hash(phone))
    if len(term) == 18 and term[:17].isdigit():
        return Q(applicant__id_number_hash=id_number_hash(term))
    return Q(number__iexact=term)


def department_queue(tenant: Tenant, officer: User, filters: QueueFilter, on: date) -> QuerySet[Case]:
    """The officer's cases by the law's state and deadline on the day (``as_of`` the rows
    to show them so)."""
    scope = _officer_scope(tenant, officer)
    cases = Case.objects.filter(tenant=tenant).select_related("item", "department", "claimed_by")
    if scope is None:
        return cases.none()
    cases = with_law(cases.filter(scope), on)
    if search := filters.search.strip():
        cases = cases.filter(_search(search))
    if filters.state:
        cases = cases.filter(law_state=filters.state)
    elif not search:  # a case looked for by number or person is found whatever its state
        cases = cases.filter(QUEUE)
    if filters.item:
        cases = cases.filter(item__code=filters.item)
    if filters.escalated:
        cases = cases.filter(escalated_at__isnull=False)
    if filters.mine:
        cases = cases.filter(claimed_by=officer)
    if filters.sla == SlaState.OVERDUE:
        cases = cases.filter(law_due_on__lt=on).exclude(state=State.SPECIAL_PROCEDURE)
    elif filters.sla == SlaState.PAUSED:
        cases = cases.filter(state=State.SPECIAL_PROCEDURE)
    elif filters.sla in (SlaState.DUE_SOON, SlaState.ON_TIME):
        soon = WorkCalendar.current().add_working_days(on, DUE_SOON_DAYS).day
        window = (
            Q(law_due_on__gte=on, law_due_on__lte=soon)
            if filters.sla == SlaState.DUE_SOON
            else Q(law_due_on__gt=soon)
        )
        cases = cases.filter(window).exclude(state=State.SPECIAL_PROCEDURE)
    return cases.order_by("law_due_on", "created_at")


def access_case_for_officer(tenant: Tenant, officer: User, number: str) -> Case:
    scope = _officer_scope(tenant, officer)
    case = None
    if scope is not None:
        case = (
            Case.objects.filter(tenant=tenant, number=number)
            .filter(scope)
            .select_related("item", "department", "applicant", "claimed_by")
            .first()
        )
    if case is None:
        raise NotFound(CaseErrorCode.CASE_NOT_FOUND, _("No such case."))
    return _today(case)


def access_material_certificate(case: Case, order: int) -> tuple[CaseMaterial, Certificate]:
    """The wallet certificate that met a material of a case the caller may already see;
    a material met otherwise answers like a missing certificate."""
    material = case.materials.filter(order=order).exclude(certificate_id="").first()
    if material is None:
        raise NotFound(CertificateErrorCode.CERTIFICATE_NOT_FOUND, _("No such certificate."))
    # The certificate must still be the applicant's, in the case's tenant.
    return material, access_held_certificate(case.tenant, case.applicant, material.certificate_id)


def cases_of_module(tenant: Tenant, app_client_id: str) -> QuerySet[Case]:
    """The cases a partner app's back office handles in a tenant."""
    return (
        Case.objects.filter(tenant=tenant, handled_by_app=app_client_id)
        .exclude(handled_by_app="")
        .select_related("item", "department")
        .order_by("-created_at")
    )


def access_case_for_module(tenant: Tenant, app_client_id: str, number: str) -> Case:
    case = cases_of_module(tenant, app_client_id).filter(number=number).first()
    if case is None:
        raise NotFound(CaseErrorCode.CASE_NOT_FOUND, _("No such case."))
    return _today(case)


def can_handle(officer: User, case: Case) -> bool:
    return not case.handled_by_app and has_permission(
        officer, Permission.HANDLE_CASES, tenant=case.tenant, department=case.department
    )


def access_upload(tenant: Tenant, user: User, upload_id: int | str) -> Upload:
    """An uploaded file, for its owner or an officer of a department whose case holds it."""
    try:
        upload = Upload.objects.filter(tenant=tenant, pk=int(upload_id)).first()
    except (TypeError, ValueError):
        upload = None
    if upload is not None and upload.owner_id != user.pk:
        scope = _officer_scope(tenant, user)
        if scope is None or not Case.objects.filter(scope, tenant=tenant, materials__upload=upload).exists():
            upload = None
    if upload is None:
        raise NotFound(CaseErrorCode.CASE_NOT_FOUND, _("No such file."))
    return upload


def open_rectifications(tenant: Tenant) -> QuerySet[RectificationTicket]:
    return RectificationTicket.objects.filter(tenant=tenant, answered_at__isnull=True).select_related(
        "case", "department"
    )


def sla_of(case: Case, on: date, calendar: WorkCalendar) -> SlaState:
    return case.flow.sla(on, calendar)
