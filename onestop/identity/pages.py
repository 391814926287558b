"""What every app's pages use of identity: who is logged in and may see a page, and how
a refusal shows on a form.

- Portal pages: ``citizen_required`` (the logged-in account of the tenant, or the login
  page), ``show_refusal`` and ``render_with_forms`` (a domain error on its field; the
  page answers 422 so that scripts see the refusal too, or 429 with Retry-After when it
  was an attempt too many), ``start_session``, ``code_step`` (an SMS code on its way).
- Console pages: ``console_page(permission)`` (a staff account holding the permission in
  the tenant, or the login page; a refusal is recorded in the audit log and answered
  403) and ``staff_context`` (what every console page shows: the menu the apps declared,
  filtered by what the reader may open).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from onestop.core import stamps
from onestop.core.errors import OnestopError, TooManyRequests
from onestop.core.menus import console_entries
from onestop.core.responses import render_error
from onestop.identity import actions
from onestop.identity.access import actor_for, current_user
from onestop.identity.forms import (
    PhoneForm,
)
from onestop.identity.models import CodePurpose, User
from onestop.identity.permissions import Permission, has_permission
from onestop.messaging.access import sandbox_sms_enabled
from onestop.messaging.sms import SmsReceipt
from onestop.tenancy.access import access_tenant_by_code
from onestop.tenancy.models import Tenant
from onestop.tenancy.routing import tenant_ids

BACKEND = "onestop.identity.backends.AccountBackend"
View = Callable[..., HttpResponseBase]


def show_refusal(form: forms.Form, error: OnestopError) -> None:
    """Show a domain error on the form, on its field when the form has one (every page
    with forms uses this)."""
    if not hasattr(form, "cleaned_data"):
        form.cleaned_data = {}  # an unbound form (a refused code request) can carry errors too
    field = error.field if error.field in form.fields else None
    form.add_error(field, f"{error.message}")
    form.error_code = str(error.code)  # type: ignore[attr-defined]
    form.refusal = error  # type: ignore[attr-defined]


def render_with_forms(
    request: HttpRequest, template: str, context: dict[str, Any], forms_: list[forms.Form | None]
) -> HttpResponse:
    """Render a page of forms: 429 with Retry-After when a form was refused an attempt too
    many, 422 when one holds another refusal, else 200."""
    status = 422 if any(f is not None and f.errors for f in forms_) else 200
    response = render(request, template, context, status=status)
    for form in forms_:
        refusal = getattr(form, "refusal", None)
        if isinstance(refusal, TooManyRequests):
            response.status_code = refusal.status
            for name, value in refusal.headers.items():
                response[name] = value
    return response


def next_url(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def own_page_generation(area: str) -> Callable[[HttpRequest, dict[str, Any]], str | None]:
    """The generation under which a signed-in person's own page of ``area`` is kept
    (``core.pagecache.shared_page``): the person, their stamp (``core.stamps``, moved by
    every action that changes what their pages show) and the day; None (not kept) for
    anyone signed out or of another tenant."""

    def generation(request: HttpRequest, kwargs: dict[str, Any]) -> str | None:
        user = request.user
        tenant_id = tenant_ids().get(str(kwargs["tenant"]))
        if not user.is_authenticated or tenant_id is None or user.tenant_id != tenant_id:
            return None
        return f"{area}:person:{tenant_id}:{user.pk}:{stamps.stamp(user.pk)}:{timezone.localdate()}"

    return generation


def citizen_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, tenant: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
        owner = access_tenant_by_code(tenant)
        user = current_user(request, owner)
        if user is None:
            return redirect(f"{reverse('identity:login', args=[owner.code])}?next={request.path}")
        return view(request, owner, user, *args, **kwargs)

    return wrapper


def start_session(request: HttpRequest, user: User) -> None:
    login(request, user, backend=BACKEND)  # a new session key at every login


def code_step(request: HttpRequest, tenant: Tenant) -> tuple[PhoneForm, str | None]:
    """Signing up, first step: the posted number gets a code (through the tenant's SMS);
    the form, and the number once the code is on its way."""
    phone_form = PhoneForm(request.POST)
    if phone_form.is_valid():
        try:
            receipt = actions.do_request_code(
                actor=actor_for(None, request),
                tenant=tenant,
                phone=phone_form.cleaned_data["phone"],
                purpose=CodePurpose.REGISTER,
            )
        except OnestopError as error:
            show_refusal(phone_form, error)
            return phone_form, None
        messages.info(request, _("If the number can register, a code is on its way by SMS."))
        show_sandbox_text(request, receipt, CodePurpose.REGISTER)
        return phone_form, phone_form.cleaned_data["phone"]
    return phone_form, None


def show_sandbox_text(request: HttpRequest, receipt: SmsReceipt | None, purpose: str) -> None:
    """With the sandbox SMS backend nothing reaches a phone, so the text is shown to the
    browser session that asked for it, and to nobody else. Outside the demo only
    registration texts are: a login code shown to whoever asks for it would let anyone in
    as anyone."""
    if receipt is None or not receipt.sandbox_text:
        return
    if purpose != CodePurpose.REGISTER and not settings.ONESTOP_DEMO:
        return
    messages.info(
        request,
        _("Sandbox SMS, shown here instead of on a phone: %(text)s") % {"text": receipt.sandbox_text},
        extra_tags="sandbox-sms",
    )


def console_page(permission: Permission) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, tenant: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
            owner = access_tenant_by_code(tenant, public_only=False)
            user = current_user(request, owner)
            if user is None:
                return redirect(f"{reverse('identity:login', args=[owner.code])}?next={request.path}")
            try:
                actions.require(
                    user, permission, tenant=owner, actor=actor_for(user, request), what=request.path
                )
            except actions.PermissionDenied as denied:
                return render_error(request, str(denied.code), str(denied.message), 403)
            return view(request, owner, user, *args, **kwargs)

        return wrapper

    return decorate


def staff_context(request: HttpRequest, tenant: Tenant, user: User, **extra: Any) -> dict[str, Any]:
    """The context every console page starts from: the reader, what they may do, and the
    console's menu (each app's entries the reader may open)."""
    allowed = {p.name.lower(): has_permission(user, p, tenant=tenant) for p in Permission}
    allowed["view_sms"] = allowed["view_sms"] and sandbox_sms_enabled()
    menu = [
        {"key": entry.key, "label": entry.label, "url": reverse(entry.url_name, args=[tenant.code])}
        for entry in console_entries()
        if has_permission(user, Permission(entry.permission), tenant=tenant)
        and (entry.shown is None or entry.shown())
    ]
    return {"tenant": tenant, "staff_user": user, "can": allowed, "console": True, "menu": menu, **extra}
