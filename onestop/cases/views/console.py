"""Cases in the console: the officer's queue and case pages (with what other apps add to
them, ``cases.hooks``), the certificate that met a material, ratings and rectification
tickets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onestop.cases import actions, formschema
from onestop.cases.access import (
    QueueFilter,
    access_case_for_officer,
    access_material_certificate,
    as_of,
    can_handle,
    department_queue,
    law_day,
    open_rectifications,
    sla_of,
)
from onestop.cases.forms import OfficerActionForm
from onestop.cases.hooks import case_sections, material_notes
from onestop.cases.kpis import ratings_by
from onestop.cases.lifecycle import Clock, State, Transition, officer_steps
from onestop.catalogue.access import form_version
from onestop.certificates.access import (
    certificates_of_case,
    credential_of,
    held_certificates,
    labelled_subject,
    verdict_of,
)
from onestop.core.errors import OnestopError
from onestop.identity.access import actor_for
from onestop.identity.pages import console_page, staff_context
from onestop.identity.permissions import Permission
from onestop.workdays.calendar import WorkCalendar

if TYPE_CHECKING:
    from onestop.cases.models import Case
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant


@console_page(Permission.HANDLE_CASES)
def queue(request: HttpRequest, tenant: Tenant, user: User) -> HttpResponse:
    filters = QueueFilter(
        search=request.GET.get("q", "")[:40],
        state=request.GET.get("state", ""),
        sla=request.GET.get("sla", ""),
        item=request.GET.get("item", ""),
        escalated=request.GET.get("escalated") == "1",
        mine=request.GET.get("mine") == "1",
    )
    today, calendar = law_day(), WorkCalendar.current()
    cases = as_of(department_queue(tenant, user, filters, today)[:200], today, calendar)
    rows = [{"case": c, "sla": sla_of(c, today, calendar)} for c in cases]
    context = staff_context(
        request,
        tenant,
        user,
        rows=rows,
        filters=filters,
        states=list(State),
        is_head=any(r.kind == "department_head" for r in user.roles.all()),
    )
    return render(request, "cases/console/queue.html", context)


@require_POST
@console_page(Permission.HANDLE_CASES)
def bulk_accept(request: HttpRequest, tenant: Tenant, user: User) -> HttpResponse:
    try:
        chosen = [access_case_for_officer(tenant, user, n) for n in request.POST.getlist("case")]
        done = actions.do_bulk_accept(
            actor=actor_for(user, request),
            officer=user,
            cases=chosen,
            comment=request.POST.get("comment", "") or _("Materials complete: accepted."),
        )
        messages.success(request, _("%(count)s cases accepted.") % {"count": len(done)})
    except OnestopError as error:
        messages.error(request, f"{error.message} ({error.code})")
    return redirect("cases:queue", tenant.code)


@console_page(Permission.HANDLE_CASES)
def case_page(request: HttpRequest, tenant: Tenant, user: User, number: str) -> HttpResponse:
    case = access_case_for_officer(tenant, user, number)
    status = 200
    if request.method == "POST":
        form = OfficerActionForm(request.POST, materials=[m.name for m in case.materials.all()])
        if request.POST.get("claim"):
            actions.do_claim(actor=actor_for(user, request), officer=user, case=case)
            return redirect("cases:officer_case", tenant.code, case.number)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.do_officer_transition(
                    actor=actor_for(user, request),
                    officer=user,
                    case=case,
                    transition=Transition(data["transition"]),
                    comment=data["comment"],
                    decision=data["decision"],
                    missing=data["missing"],
                    redirect_to=data["redirect_to"],
                )
                messages.success(request, _("Done."))
                return redirect("cases:officer_case", tenant.code, case.number)
            except (OnestopError, ValueError) as error:
                messages.error(
                    request,
                    f"{getattr(error, 'message', error)} ({getattr(error, 'code', 'invalid')})",
                )
                status = 422
        else:
            messages.error(request, _("Every step needs a comment."))
            status = 422
    # The page and the sections other apps add read the materials several times: once.
    prefetch_related_objects([case], "materials__upload", "item__materials")
    material_names = [m.name for m in case.materials.all()]
    schema = form_version(case.item, case.form_version).schema
    action_forms = []
    for transition in officer_steps(State(case.state)):
        if transition == Transition.EXTEND and case.extension_days:
            continue
        if transition == Transition.ISSUE_CERTIFICATE and not (
            case.item.issues_paper_licence and case.clock == Clock.CERTIFICATE
        ):
            continue
        form = OfficerActionForm(
            initial={"transition": transition.value},
            materials=material_names,
            auto_id=f"{transition.value}-%s",  # one page, several forms: ids must differ
        )
        action_forms.append((transition.value, form))
    can_act = can_handle(user, case)
    context = staff_context(
        request,
        tenant,
        user,
        case=case,
        events=case.events.all(),
        materials=_materials(request, tenant, user, case, can_act),
        answers=formschema.labelled_answers(schema, case.data),
        action_forms=action_forms,
        can_act=can_act,
        sections=case_sections(request, tenant, user, case, can_act),
        sla=sla_of(case, law_day(), WorkCalendar.current()),
        certificates=certificates_of_case(tenant, user, case.number),
    )
    return render(request, "cases/console/case.html", context, status=status)


def _materials(
    request: HttpRequest, tenant: Tenant, user: User, case: Case, can_act: bool
) -> list[dict[str, Any]]:
    """Each material with what met it: an upload, the form itself, a certificate from the
    applicant's wallet, or what other apps note on it (the data service the department
    may fetch it from with the applicant's consent, and the department's looks)."""
    materials = list(case.materials.all())  # prefetched with their uploads
    guide = {m.order: m for m in case.item.materials.all()}
    certificates = held_certificates(tenant, case.applicant, [m.certificate_id for m in materials])
    notes = material_notes(request, tenant, user, case, can_act)
    rows = []
    for material in materials:
        listed = guide.get(material.order)
        row: dict[str, Any] = {
            "material": material,
            "filled_online": bool(listed and listed.filled_online),
            "notes": notes.get(material.order, []),
        }
        if material.certificate_id:
            row["certificate"] = certificates.get(material.certificate_id)
        rows.append(row)
    return rows


@console_page(Permission.HANDLE_CASES)
def credential(request: HttpRequest, tenant: Tenant, user: User, number: str, order: int) -> HttpResponse:
    """The certificate from the applicant's wallet that met a material, as staff may see
    it, and whether it verifies now (signature, issuer key, validity, status list)."""
    case = access_case_for_officer(tenant, user, number)
    material, certificate = access_material_certificate(case, order)
    signed = credential_of(certificate)
    context = staff_context(
        request,
        tenant,
        user,
        case=case,
        material=material,
        certificate=certificate,
        fields=labelled_subject(signed, masked=True),
        verdict=verdict_of(certificate),
        credential_id=signed.get("id", certificate.credential_id),
    )
    response = render(request, "cases/console/credential.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@console_page(Permission.CONSOLE)
def ratings(request: HttpRequest, tenant: Tenant, user: User) -> HttpResponse:
    tickets = list(open_rectifications(tenant)[:100])
    context: dict[str, Any] = staff_context(
        request,
        tenant,
        user,
        by_department=ratings_by(tenant, "department"),
        by_item=ratings_by(tenant, "item")[:30],
        tickets=tickets,
    )
    return render(request, "cases/console/ratings.html", context)


@require_POST
@console_page(Permission.HANDLE_CASES)
def answer_rectification(request: HttpRequest, tenant: Tenant, user: User, number: str) -> HttpResponse:
    case = access_case_for_officer(tenant, user, number)
    try:
        actions.do_answer_rectification(
            actor=actor_for(user, request),
            officer=user,
            ticket=case.rectification,
            answer=request.POST.get("answer", ""),
        )
        messages.success(request, _("Answer recorded."))
    except OnestopError as error:
        messages.error(request, str(error.message))
    return redirect("cases:officer_case", tenant.code, case.number)
