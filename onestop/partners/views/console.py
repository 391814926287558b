"""The tenant operator's partner pages: admissions (approve with scopes, reject,
suspend), each app's limits, and service modules installed for items."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onestop.catalogue.access import items_handled_by
from onestop.core.errors import OnestopError
from onestop.identity.access import actor_for
from onestop.identity.pages import console_page, staff_context
from onestop.identity.permissions import Permission
from onestop.partners import actions
from onestop.partners.access import access_admission, access_grant, admissions_of, grants_of
from onestop.partners.error_codes import PartnerErrorCode
from onestop.partners.forms import DecisionForm, LimitsForm, ModuleForm

if TYPE_CHECKING:
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant


@console_page(Permission.MANAGE_PARTNERS)
def partners(request: HttpRequest, tenant: Tenant, user: User) -> HttpResponse:
    grants = [
        (g, list(items_handled_by(tenant, g.app.client_id)) if g.app.is_service_module else [])
        for g in grants_of(tenant)
    ]
    context = staff_context(
        request,
        tenant,
        user,
        admissions=list(admissions_of(tenant)),
        grants=grants,
        decision_form=DecisionForm(),
        limits_form=LimitsForm(),
        module_form=ModuleForm(),
    )
    return render(request, "partners/console/partners.html", context)


def _done(request: HttpRequest, tenant: Tenant, error: OnestopError | None = None) -> HttpResponse:
    if error is not None:
        messages.error(request, f"{error.message} ({error.code})")
    else:
        messages.success(request, _("Saved."))
    return redirect("partners:console_partners", tenant.code)


@require_POST
@console_page(Permission.MANAGE_PARTNERS)
def decide(request: HttpRequest, tenant: Tenant, user: User, admission_id: int) -> HttpResponse:
    admission = access_admission(tenant, admission_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _done(
            request,
            tenant,
            OnestopError(PartnerErrorCode.DECISION_INVALID, _("Choose a decision.")),
        )
    try:
        actions.do_decide_admission(
            actor=actor_for(user, request), operator=user, admission=admission, **form.cleaned_data
        )
    except OnestopError as error:
        return _done(request, tenant, error)
    return _done(request, tenant)


@require_POST
@console_page(Permission.MANAGE_PARTNERS)
def app_settings(request: HttpRequest, tenant: Tenant, user: User, client_id: str) -> HttpResponse:
    grant = access_grant(tenant, client_id)
    actor = actor_for(user, request)
    try:
        if request.POST.get("do") == "limits":
            form = LimitsForm(request.POST)
            if not form.is_valid():
                raise OnestopError(PartnerErrorCode.LIMITS_INVALID, _("Enter limits of at least 1."))
            actions.do_set_limits(actor=actor, operator=user, grant=grant, **form.cleaned_data)
        else:
            module_form = ModuleForm(request.POST)
            if not module_form.is_valid():
                raise OnestopError(PartnerErrorCode.ITEMS_REQUIRED, _("List the service item codes."))
            install = request.POST.get("do") == "install"
            act = actions.do_install_module if install else actions.do_uninstall_module
            act(
                actor=actor,
                operator=user,
                grant=grant,
                item_codes=module_form.cleaned_data["items"],
            )
    except OnestopError as error:
        return _done(request, tenant, error)
    return _done(request, tenant)
