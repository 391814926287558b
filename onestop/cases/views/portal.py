"""The citizen's pages of the case workflow: apply step by step, my applications, a case's
progress, answering a correction request, withdrawing, rating, and files."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onestop.cases import actions, formschema, lifecycle, uploads
from onestop.cases.access import (
    access_case_for_applicant,
    access_draft,
    access_upload,
    applicant_page_generation,
    as_of,
    cases_of_applicant,
    law_day,
    sla_of,
)
from onestop.cases.forms import RatingForm, WithdrawForm
from onestop.cases.lifecycle import State, Transition
from onestop.catalogue.access import access_service_item, form_version
from onestop.certificates.access import certificate_type_for_item, usable_choices, usable_for
from onestop.core.errors import OnestopError
from onestop.core.pagecache import shared_page
from onestop.identity.access import actor_for
from onestop.identity.pages import citizen_required
from onestop.tenancy.access import access_tenant_by_code
from onestop.workdays.calendar import WorkCalendar

if TYPE_CHECKING:
    from onestop.cases.models import Application, Upload
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant

CASES_PER_PAGE = 20  # "my applications", newest first
MAX_PAGE = 10_000

WITHDRAWABLE = {
    State.RECEIVED,
    State.CORRECTION_REQUESTED,
    State.ACCEPTED,
    State.UNDER_REVIEW,
    State.SPECIAL_PROCEDURE,
}


def _material_files(request: HttpRequest) -> list[tuple[int, UploadedFile]]:
    """Uploaded files named material-<order>; a bad name raises ValueError."""
    return [(int(key.removeprefix("material-")), request.FILES.getlist(key)[-1]) for key in request.FILES]


def _attach_files(
    request: HttpRequest, tenant: Tenant, user: User, application: Application | None = None
) -> dict[int, Upload]:
    """Store the posted material files, each checked by content, by material order."""
    attached = {}
    for order, file in _material_files(request):
        attached[order] = actions.do_attach_upload(
            actor=actor_for(user, request),
            owner=user,
            tenant=tenant,
            application=application,
            content=file.read(uploads.MAX_BYTES + 1),
            original_name=file.name or "",
            material_order=order,
        )
    return attached


def apply(request: HttpRequest, tenant: str, code: str) -> HttpResponseBase:
    """Starting an application writes a draft: only a POST (the guide's button) does. A GET
    (a link, a prefetch, the way back from the login page) leads to the guide, which has
    the button."""
    if request.method != "POST":
        return redirect("catalogue:guide", access_tenant_by_code(tenant).code, code)
    return _start_application(request, tenant, code)


@citizen_required
def _start_application(request: HttpRequest, tenant: Tenant, user: User, code: str) -> HttpResponse:
    item = access_service_item(tenant, code)
    try:
        draft = actions.do_start_application(
            actor=actor_for(user, request), user=user, tenant=tenant, item=item
        )
    except OnestopError as error:
        messages.warning(request, str(error.message))
        return redirect("catalogue:guide", tenant.code, item.code)
    return redirect("cases:step", tenant.code, draft.pk, 1)


def _draft_context(tenant: Tenant, user: User, draft: Any, position: int) -> dict[str, Any]:
    schema = form_version(draft.item, draft.form_version).schema
    step_list = formschema.steps(schema)
    total = len(step_list) + 2  # the form's steps, then materials, then review
    return {
        "tenant": tenant,
        "account": user,
        "draft": draft,
        "item": draft.item,
        "schema": schema,
        "steps": step_list,
        "position": position,
        "total": total,
        "nav": "services",
        "low_trust": user.trust_level < draft.item.min_trust_level,
    }


@citizen_required
def step(
    request: HttpRequest, tenant: Tenant, user: User, application_id: int, position: int
) -> HttpResponse:
    draft = access_draft(tenant, user, application_id)
    context = _draft_context(tenant, user, draft, position)
    step_list, total = context["steps"], context["total"]
    if not 1 <= position <= total:
        return redirect("cases:step", tenant.code, draft.pk, 1)
    if position <= len(step_list):
        current = step_list[position - 1]
        form = formschema.step_form(context["schema"], current, data=request.POST or None, initial=draft.data)
        if request.method == "POST" and form.is_valid():
            actions.do_save_answers(
                actor=actor_for(user, request), application=draft, answers=form.cleaned_data
            )
            return redirect("cases:step", tenant.code, draft.pk, position + 1)
        context.update(form=form, current=current)
        return render(request, "cases/step.html", context, status=422 if form.errors else 200)
    if position == len(step_list) + 1:
        return _materials_step(request, tenant, user, draft, context)
    return _review_step(request, tenant, user, draft, context)


def _materials_step(
    request: HttpRequest, tenant: Tenant, user: User, draft: Any, context: dict[str, Any]
) -> HttpResponse:
    error = None
    wallet = {m.order: usable_for(tenant, user, m.certificate_type) for m in draft.item.materials.all()}
    if request.method == "POST":
        try:
            for order, certificates in wallet.items():
                chosen = request.POST.get(f"wallet-{order}", "")
                match = next((c for c in certificates if c.number == chosen), None)
                # Only the applicant's own valid certificates are offered or taken.
                if match is not None:
                    actions.do_use_wallet_certificate(
                        actor=actor_for(user, request),
                        application=draft,
                        material_order=order,
                        credential_id=match.credential_id,
                    )
            for material in draft.item.materials.all():
                wants = request.POST.get(f"fetch-{material.order}") == "1"
                if material.certificate_type and wants != (material.order in draft.fetch):
                    draft = actions.do_consent_to_fetch(
                        actor=actor_for(user, request),
                        application=draft,
                        material_order=material.order,
                        consent=wants,
                    )
            _attach_files(request, tenant, user, application=draft)
            if request.POST.get("next"):
                return redirect("cases:step", tenant.code, draft.pk, context["position"] + 1)
        except (OnestopError, ValueError) as exc:
            error = exc if isinstance(exc, OnestopError) else None
        draft.refresh_from_db()
    attached = {u.material_order: u for u in draft.uploads.all()}
    chosen_ids = set(draft.wallet.values())
    rows = [
        {
            "material": m,
            "upload": attached.get(m.order),
            "wallet": wallet.get(m.order, []),
            "from_wallet": next((c for c in wallet.get(m.order, []) if c.credential_id in chosen_ids), None),
            "fetch": m.order in draft.fetch,
        }
        for m in draft.item.materials.all()
    ]
    context.update(rows=rows, error=error)
    return render(request, "cases/materials.html", context, status=422 if error else 200)


def _review_step(
    request: HttpRequest, tenant: Tenant, user: User, draft: Any, context: dict[str, Any]
) -> HttpResponse:
    error = None
    if request.method == "POST":
        try:
            case = actions.do_submit_application(actor=actor_for(user, request), application=draft)
            messages.success(
                request, _("Submitted. Your case number is %(number)s.") % {"number": case.number}
            )
            return redirect("cases:detail", tenant.code, case.number)
        except OnestopError as exc:
            error = exc
    context.update(
        answers=formschema.labelled_answers(context["schema"], draft.data),
        error=error,
        attached={u.material_order: u for u in draft.uploads.all()},
        from_wallet=set(usable_choices(tenant, user, draft.wallet)),
        fetching={int(order) for order in draft.fetch},
        materials=list(draft.item.materials.all()),
        token=secrets.token_urlsafe(16),
    )
    return render(request, "cases/review.html", context, status=error.status if error else 200)


@shared_page(applicant_page_generation, params=("page",))
@citizen_required
def my_cases(request: HttpRequest, tenant: Tenant, user: User) -> HttpResponse:
    calendar, today = WorkCalendar.current(), law_day()
    page = request.GET.get("page", "1")
    number = int(page) if page.isdigit() and 0 < int(page) <= MAX_PAGE else 1
    start = (number - 1) * CASES_PER_PAGE
    cases = as_of(cases_of_applicant(tenant, user)[start : start + CASES_PER_PAGE + 1], today, calendar)
    rows = [{"case": c, "sla": sla_of(c, today, calendar)} for c in cases[:CASES_PER_PAGE]]
    return render(
        request,
        "cases/my_cases.html",
        {
            "tenant": tenant,
            "rows": rows,
            "nav": "me",
            "page": number,
            "has_previous": number > 1,
            "has_next": len(cases) > CASES_PER_PAGE,
        },
    )


@shared_page(applicant_page_generation)
@citizen_required
def detail(request: HttpRequest, tenant: Tenant, user: User, number: str) -> HttpResponse:
    case = access_case_for_applicant(tenant, user, number)
    calendar = WorkCalendar.current()
    events = list(case.events.all())
    deemed = case.deemed_unrecorded or any(e.action == Transition.DEEM_ACCEPTED for e in events)
    correction = next((e for e in reversed(events) if e.action == "request_correction"), None)
    refusal = next((e for e in reversed(events) if e.action == "not_accept"), None)
    schema = form_version(case.item, case.form_version).schema
    # A certificate is a step ahead while the item issues one (electronic or on paper) and
    # no refusal was decided.
    certificate_due = case.decision != "refused" and (
        case.item.issues_paper_licence or certificate_type_for_item(tenant, case.item.code) is not None
    )
    context = {
        "tenant": tenant,
        "case": case,
        "events": events,
        "correction": correction,
        "refusal": refusal,
        "deemed": deemed,
        "clock": case.clock,
        "sla": sla_of(case, law_day(), calendar),
        "answers": formschema.labelled_answers(schema, case.data),
        "materials": case.materials.select_related("upload"),
        "progress": lifecycle.progress(
            # The state shown counts as passed: a deemed acceptance may be unrecorded yet.
            [*(State(e.to_state) for e in events if e.to_state), State(case.state)],
            closed=case.state in lifecycle.TERMINAL
            or (case.state == State.CONCLUDED and not certificate_due),
            issues_certificate=certificate_due,
        ),
        "can_withdraw": case.state in WITHDRAWABLE,
        "can_rate": case.state in (State.CONCLUDED, State.CERTIFICATE_ISSUED, State.NOT_ACCEPTED)
        and not hasattr(case, "rating"),
        "rating_form": RatingForm(),
        "withdraw_form": WithdrawForm(),
        "nav": "me",
    }
    return render(request, "cases/detail.html", context)


@require_POST
@citizen_required
def resubmit(request: HttpRequest, tenant: Tenant, user: User, number: str) -> HttpResponse:
    case = access_case_for_applicant(tenant, user, number)
    try:
        new = _attach_files(request, tenant, user)
        actions.do_resubmit(
            actor=actor_for(user, request),
            applicant=user,
            case=case,
            new_uploads=new,
            comment=request.POST.get("comment", "")[:500],
        )
        messages.success(
            request, _("Your corrections were sent. The department has 5 working days to answer.")
        )
    except (OnestopError, ValueError) as error:
        messages.error(request, str(getattr(error, "message", _("Upload a PDF, JPEG or PNG file."))))
    return redirect("cases:detail", tenant.code, case.number)


@require_POST
@citizen_required
def withdraw(request: HttpRequest, tenant: Tenant, user: User, number: str) -> HttpResponse:
    case = access_case_for_applicant(tenant, user, number)
    try:
        actions.do_withdraw(
            actor=actor_for(user, request),
            applicant=user,
            case=case,
            reason=request.POST.get("reason", "")[:200],
        )
        messages.success(request, _("The case was withdrawn."))
    except OnestopError as error:
        messages.error(request, str(error.message))
    return redirect("cases:detail", tenant.code, case.number)


@require_POST
@citizen_required
def rate(request: HttpRequest, tenant: Tenant, user: User, number: str) -> HttpResponse:
    case = access_case_for_applicant(tenant, user, number)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Rate from 1 to 5 with the tags offered."))
        return redirect("cases:detail", tenant.code, case.number)
    try:
        actions.do_rate(
            actor=actor_for(user, request),
            applicant=user,
            case=case,
            score=form.cleaned_data["score"],
            tags=form.cleaned_data["tags"],
            comment=form.cleaned_data["comment"],
        )
        messages.success(request, _("Thank you for your rating."))
    except OnestopError as error:
        messages.error(request, str(error.message))
    return redirect("cases:detail", tenant.code, case.number)


@citizen_required
def upload_file(request: HttpRequest, tenant: Tenant, user: User, upload_id: int) -> HttpResponseBase:
    upload = access_upload(tenant, user, upload_id)
    response = FileResponse(iter([uploads.read(upload.storage_name)]), content_type=upload.content_type)
    response["Content-Disposition"] = (
        f'inline; filename="material-{upload.pk}.{upload.storage_name.rsplit(".", 1)[-1]}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
