"""Identity's pages in the citizen portal: register, log in and out, verify, see and
download one's data; and the sandbox SMS outbox of a tenant, for its staff."""

from __future__ import annotations

import json
from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onestop.core.errors import OnestopError
from onestop.identity import actions, devices
from onestop.identity.access import actor_for, current_user, personal_data
from onestop.identity.forms import (
    CodeLoginForm,
    ConfirmPasswordForm,
    ContactForm,
    FaceForm,
    PasswordChangeForm,
    PasswordLoginForm,
    PhoneForm,
    RegisterForm,
    VerifyForm,
)
from onestop.identity.models import AccountKind, CodePurpose, User
from onestop.identity.pages import (
    citizen_required,
    code_step,
    next_url,
    render_with_forms,
    show_refusal,
    show_sandbox_text,
    start_session,
)
from onestop.identity.permissions import Permission, has_permission, may_read_sandbox_outbox
from onestop.identity.providers.face import face_provider
from onestop.identity.words import personal_data_in_words
from onestop.messaging.access import sandbox_outbox, sandbox_sms_enabled
from onestop.tenancy.access import access_tenant_by_code
from onestop.tenancy.models import Tenant


def register(request: HttpRequest, tenant: str) -> HttpResponse:
    owner = access_tenant_by_code(tenant)
    phone_form, form = PhoneForm(), None
    if request.method == "POST" and request.POST.get("step") == "code":
        phone_form, phone = code_step(request, owner)
        if phone:
            form = RegisterForm(initial={"phone": phone})
    elif request.method == "POST":
        form = RegisterForm(request.POST)
        if form.is_valid():
            try:
                user = actions.do_register_citizen(
                    actor=actor_for(None, request),
                    tenant=owner,
                    phone=form.cleaned_data["phone"],
                    code=form.cleaned_data["code"],
                    password=form.cleaned_data["password"],
                    language=request.LANGUAGE_CODE,
                )
                start_session(request, user)
                messages.success(request, _("Welcome! Verify your identity to use online services."))
                return redirect("identity:verify", owner.code)
            except OnestopError as error:
                show_refusal(form, error)
    context = {"tenant": owner, "phone_form": phone_form, "form": form, "nav": "me"}
    return render_with_forms(request, "identity/register.html", context, [f for f in (phone_form, form) if f])


def _log_in_with(
    request: HttpRequest, tenant: Tenant, form: forms.Form, authenticate: Callable[..., User]
) -> HttpResponse | None:
    """Log in with a password or a code form; None (and the refusal on the form) if not.
    The account's device cookie goes with the attempt, and a new one with the login."""
    if not form.is_valid():
        return None
    phone = form.cleaned_data["phone"]
    token = request.COOKIES.get(devices.cookie_name(tenant, phone), "")
    try:
        user = authenticate(
            actor=actor_for(None, request), tenant=tenant, device_token=token, **form.cleaned_data
        )
    except OnestopError as error:
        show_refusal(form, error)
        return None
    start_session(request, user)
    response = redirect(next_url(request, landing_page(user, tenant)))
    response.set_cookie(
        devices.cookie_name(tenant, phone),
        devices.new_token(tenant, phone),
        max_age=int(devices.LIFETIME.total_seconds()),
        path=reverse("identity:login", args=[tenant.code]),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def landing_page(user: User, tenant: Tenant) -> str:
    """Where an account goes after logging in when no page asked for it: staff to their
    console, partner developers to the developer portal, citizens to their own page."""
    if has_permission(user, Permission.CONSOLE, tenant=tenant):
        return reverse("console:home", args=[tenant.code])
    if user.kind == AccountKind.PARTNER_DEVELOPER:
        return reverse("partners:developers")
    return reverse("identity:me", args=[tenant.code])


def login_view(request: HttpRequest, tenant: str) -> HttpResponse:
    owner = access_tenant_by_code(tenant)
    method = request.POST.get("method") or request.GET.get("method") or "password"
    password_form, code_form = PasswordLoginForm(), CodeLoginForm()
    logged_in = None
    if request.method == "POST" and method == "password":
        password_form = PasswordLoginForm(request.POST)
        logged_in = _log_in_with(request, owner, password_form, actions.do_log_in_with_password)
    elif request.method == "POST" and request.POST.get("step") == "code":
        code_form = CodeLoginForm(initial={"phone": request.POST.get("phone", "")})
        phone_form = PhoneForm(request.POST)
        if phone_form.is_valid():
            try:
                receipt = actions.do_request_code(
                    actor=actor_for(None, request),
                    tenant=owner,
                    phone=phone_form.cleaned_data["phone"],
                    purpose=CodePurpose.LOGIN,
                )
                messages.info(request, _("If the number has an account, a code is on its way by SMS."))
                show_sandbox_text(request, receipt, CodePurpose.LOGIN)
            except OnestopError as error:
                show_refusal(code_form, error)
        else:
            code_form = CodeLoginForm(request.POST)
            code_form.is_valid()
    elif request.method == "POST":
        code_form = CodeLoginForm(request.POST)
        logged_in = _log_in_with(request, owner, code_form, actions.do_log_in_with_code)
    if logged_in is not None:
        return logged_in
    context = {
        "tenant": owner,
        "method": method,
        "password_form": password_form,
        "code_form": code_form,
        "next": next_url(request, ""),
        "nav": "me",
    }
    return render_with_forms(request, "identity/login.html", context, [password_form, code_form])


@require_POST
def logout_view(request: HttpRequest, tenant: str) -> HttpResponse:
    owner = access_tenant_by_code(tenant)
    user = current_user(request, owner)
    if user is not None:
        actions.do_logout(actor=actor_for(user, request), user=user)
    logout(request)
    messages.info(request, _("You have logged out on every device."))
    return redirect("catalogue:home", owner.code)


@citizen_required
def me(request: HttpRequest, tenant: Tenant, user: User) -> HttpResponse:
    contact = ContactForm(request.POST or None, initial={"language": user.language})
    if request.method == "POST" and contact.is_valid():
        try:
            actions.do_set_contact(actor=actor_for(user, request), user=user, **contact.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("identity:me", tenant.code)
        except OnestopError as error:
            show_refusal(contact, error)
    context = {"tenant": tenant, "account": user, "contact": contact, "nav": "me"}
    return render_with_forms(request, "identity/me.html", context, [contact])


@citizen_required
def verify(request: HttpRequest, tenant: Tenant, user: User) -> HttpResponse:
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = actions.do_verify_identity(
                actor=actor_for(user, request), user=user, **form.cleaned_data
            )
            if outcome.level >= 3:
                messages.success(
                    request, _("Your name and ID number match the population registry: level L3.")
                )
                return redirect("identity:me", tenant.code)
            messages.warning(
                request,
                _(
                    "Your details are well-formed (level L2), but the population registry does not match "
                    "this name and ID number. Check them and try again."
                ),
            )
            return redirect("identity:me", tenant.code)
        except OnestopError as error:
            show_refusal(form, error)
    return render_with_forms(
        request,
        "identity/verify.html",
        {"tenant": tenant, "form": form, "account": user, "nav": "me"},
        [form],
    )


@citizen_required
def face_check(request: HttpRequest, tenant: Tenant, user: User) -> HttpResponse:
    submitted = FaceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and submitted.is_valid():
        try:
            actions.do_complete_face_check(
                actor=actor_for(user, request),
                user=user,
                session_id=submitted.cleaned_data["session"],
                answer=submitted.cleaned_data["answer"],
                photo=submitted.cleaned_data["photo"].read(),
            )
            messages.success(request, _("Face check passed: level L4."))
            return redirect("identity:me", tenant.code)
        except OnestopError as error:
            show_refusal(submitted, error)
    try:
        # Every showing of the page is a new challenge: a failed one is never reused.
        session = actions.do_start_face_check(actor=actor_for(user, request), user=user)
    except OnestopError as error:
        messages.warning(request, str(error.message))
        return redirect("identity:verify", tenant.code)
    context = {
        "tenant": tenant,
        "session": session,
        "form": FaceForm(initial={"session": session.pk}),
        "failed": submitted if submitted.is_bound else None,
        "sandbox": face_provider().is_sandbox,
        "nav": "me",
    }
    return render_with_forms(request, "identity/face.html", context, [submitted])


@citizen_required
def my_data(request: HttpRequest, tenant: Tenant, user: User) -> HttpResponse:
    form = ConfirmPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = actions.do_export_personal_data(
                actor=actor_for(user, request), user=user, password=form.cleaned_data["password"]
            )
            response = HttpResponse(
                json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="onestop-{tenant.code}-my-data.json"'
            response["Cache-Control"] = "no-store"
            return response
        except OnestopError as error:
            show_refusal(form, error)
    context = {
        "tenant": tenant,
        "data": personal_data_in_words(personal_data(user)),
        "form": form,
        "nav": "me",
    }
    return render_with_forms(request, "identity/my_data.html", context, [form])


@citizen_required
def change_password(request: HttpRequest, tenant: Tenant, user: User) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_change_password(actor=actor_for(user, request), user=user, **form.cleaned_data)
            logout(request)
            messages.success(
                request,
                _("Password changed. Every session has ended; log in with the new password."),
            )
            return redirect("identity:login", tenant.code)
        except OnestopError as error:
            show_refusal(form, error)
    return render_with_forms(
        request, "identity/password.html", {"tenant": tenant, "form": form, "nav": "me"}, [form]
    )


def sandbox_sms(request: HttpRequest, tenant: str) -> HttpResponse:
    """The sandbox SMS outbox of a tenant, for its staff (in the developer sandbox tenant,
    for every account: its people are fake). It exists only while the sandbox keeps the
    texts; anyone else finds no page here."""
    owner = access_tenant_by_code(tenant)
    if not sandbox_sms_enabled():
        raise Http404  # a carrier delivers: there is nothing to show
    user = current_user(request, owner)
    if user is None:
        return redirect(f"{reverse('identity:login', args=[owner.code])}?next={request.path}")
    if not may_read_sandbox_outbox(user, owner):
        raise Http404
    phone = request.GET.get("phone", "")
    outbox = sandbox_outbox(owner, viewer_phone_hash=user.phone_hash, phone=phone)
    return render(
        request, "identity/sandbox_outbox.html", {"tenant": owner, "outbox": outbox, "phone": phone}
    )
