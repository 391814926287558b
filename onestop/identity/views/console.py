"""Identity's console pages: staff accounts, looking up an account (and the audited
reveal of a protected value), the sandbox SMS outbox and the audit log. Every page names
the permission it needs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onestop.core.errors import OnestopError
from onestop.core.responses import render_error
from onestop.core.transparency import verify_chain
from onestop.identity import actions
from onestop.identity.access import access_user, actor_for, citizens_of, recent_audit, staff_of
from onestop.identity.forms import LookupForm, StaffForm
from onestop.identity.pages import console_page, staff_context
from onestop.identity.permissions import Permission
from onestop.messaging.access import sandbox_outbox, sandbox_sms_enabled
from onestop.messaging.phones import normalize_phone, phone_hash
from onestop.tenancy.access import access_department_by_code

if TYPE_CHECKING:
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant


@console_page(Permission.MANAGE_STAFF)
def staff(request: HttpRequest, tenant: Tenant, user: User) -> HttpResponse:
    form = StaffForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            department = access_department_by_code(tenant, data["department"]) if data["department"] else None
            actions.do_create_staff(
                actor=actor_for(user, request),
                operator=user,
                tenant=tenant,
                phone=data["phone"],
                display_name=data["display_name"],
                role=data["role"],
                password=data["password"],
                department=department,
            )
            messages.success(request, _("Staff account created."))
            return redirect("identity:staff", tenant.code)
        except OnestopError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
            status = 422
    elif form.is_bound:
        status = 422
    context = staff_context(request, tenant, user, form=form, staff=staff_of(tenant).order_by("id"))
    return render(request, "identity/console/staff.html", context, status=status)


@require_POST
@console_page(Permission.MANAGE_STAFF)
def set_active(request: HttpRequest, tenant: Tenant, user: User, user_id: int) -> HttpResponse:
    target = access_user(tenant, user_id)
    actions.do_set_account_active(
        actor=actor_for(user, request),
        operator=user,
        tenant=tenant,
        user=target,
        active=request.POST.get("active") == "1",
    )
    messages.success(request, _("Account updated."))
    return redirect("identity:staff", tenant.code)


@console_page(Permission.VIEW_USERS)
def users(request: HttpRequest, tenant: Tenant, user: User) -> HttpResponse:
    form = LookupForm(request.GET or None)
    found = None
    if form.is_bound and form.is_valid():
        found = (
            citizens_of(tenant)
            .filter(phone_hash=phone_hash(normalize_phone(form.cleaned_data["phone"])))
            .first()
        )
    context = staff_context(request, tenant, user, form=form, found=found, searched=form.is_bound)
    return render(request, "identity/console/users.html", context)


@require_POST
@console_page(Permission.VIEW_USERS)
def reveal(request: HttpRequest, tenant: Tenant, user: User, user_id: int) -> HttpResponse:
    target = access_user(tenant, user_id)
    field = request.POST.get("field", "")
    try:
        value = actions.do_reveal_personal_data(
            actor=actor_for(user, request), viewer=user, tenant=tenant, user=target, field=field
        )
    except actions.PermissionDenied as denied:
        return render_error(request, str(denied.code), str(denied.message), 403)
    except OnestopError as error:
        return render_error(request, str(error.code), str(error.message), error.status)
    labels = {"id_number": _("ID number"), "phone": _("Mobile number"), "real_name": _("Name")}
    revealed = {"field": field, "label": labels.get(field, field), "value": value}
    context = staff_context(
        request, tenant, user, found=target, revealed=revealed, form=LookupForm(), searched=True
    )
    response = render(request, "identity/console/users.html", context)
    response["Cache-Control"] = "no-store"
    return response


@console_page(Permission.VIEW_SMS)
def sms(request: HttpRequest, tenant: Tenant, user: User) -> HttpResponse:
    if not sandbox_sms_enabled():
        raise Http404  # a carrier delivers: there is no outbox to show
    outbox = sandbox_outbox(tenant, viewer_phone_hash=user.phone_hash, limit=100)
    return render(request, "identity/console/sms.html", staff_context(request, tenant, user, outbox=outbox))


# What ``verify_chain`` found, in words; %(n)s is the entry or published size concerned.
TAMPERING = {
    "changed": gettext_lazy("The log was tampered with: entry %(n)s was changed."),
    "removed": gettext_lazy("The log was tampered with: entries from %(n)s on were removed."),
    "reordered": gettext_lazy("The log was tampered with: entry %(n)s is out of its place."),
    "rolled_back": gettext_lazy(
        "The log was cut back: a head published at %(n)s entries shows it was longer."
    ),
    "diverged": gettext_lazy("The log differs from the head published at %(n)s entries."),
    "bad_signature": gettext_lazy("A published head's signature does not verify (at %(n)s entries)."),
    "": gettext_lazy("The log does not verify (at entry %(n)s)."),
}


@console_page(Permission.VIEW_AUDIT)
def audit(request: HttpRequest, tenant: Tenant, user: User) -> HttpResponse:
    # Against the published heads too: a log cut back to an older head row verifies alone.
    verification = verify_chain() if request.GET.get("verify") else None
    tampering = ""
    if verification is not None and not verification.ok:
        tampering = str(TAMPERING.get(verification.problem, TAMPERING[""])) % {"n": verification.sequence}
    context = staff_context(
        request,
        tenant,
        user,
        entries=recent_audit(tenant, limit=200),
        verification=verification,
        tampering=tampering,
    )
    return render(request, "identity/console/audit.html", context)
