"""The developer portal (/developers/) and the citizen's authorised apps.

Developers are platform accounts: they sign up here (the SMS code comes through the
sandbox tenant) and log in on any tenant's login page. Views parse, read through
``access``, call ``actions`` and render; a refused action shows its message and code.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onestop.core.errors import CoreErrorCode, NotFound, OnestopError
from onestop.core.public_url import public_base
from onestop.core.scopes import Scope
from onestop.identity import actions as identity_actions
from onestop.identity.access import actor_for, current_user
from onestop.identity.forms import PhoneForm
from onestop.identity.kinds import AccountKind
from onestop.identity.pages import code_step, render_with_forms, show_refusal, start_session
from onestop.partners import actions
from onestop.partners.access import (
    access_app,
    access_consent,
    access_delivery_of_app,
    access_partner,
    access_secret,
    admissions_of_partner,
    all_deliveries_of_app,
    apps_of,
    consents_of,
    grant_for,
    grants_of_app,
    live_secrets,
    partners_of,
    subscriptions_of_app,
)
from onestop.partners.error_codes import PartnerErrorCode
from onestop.partners.forms import (
    AdmissionRequestForm,
    AppForm,
    DeveloperSignupForm,
    GrantForm,
    NewAppForm,
    PartnerForm,
    SubscriptionForm,
)
from onestop.partners.models import AdmissionState
from onestop.tenancy.access import access_tenant_by_code, public_tenants
from onestop.tenancy.routing import tenant_database

if TYPE_CHECKING:
    from onestop.identity.models import User
    from onestop.partners.models import App
    from onestop.tenancy.models import Tenant

View = Callable[..., HttpResponseBase]


def _sandbox() -> Tenant | None:
    try:
        return access_tenant_by_code(settings.ONESTOP_SANDBOX_TENANT, public_only=False)
    except NotFound:
        return next(iter(public_tenants()), None)


def _login_url(request: HttpRequest) -> str:
    tenant = _sandbox()
    if tenant is None:
        return "/"
    return f"{reverse('identity:login', args=[tenant.code])}?next={request.path}"


def _developer(request: HttpRequest) -> User | None:
    user = request.user
    if user.is_authenticated and getattr(user, "kind", None) == AccountKind.PARTNER_DEVELOPER:
        return user
    return None


def developer_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = _developer(request)
        if user is None:
            return redirect(_login_url(request))
        return view(request, user, *args, **kwargs)

    return wrapper


def _status(forms_: list[forms.Form | None]) -> int:
    return 422 if any(f is not None and f.errors for f in forms_) else 200


def home(request: HttpRequest) -> HttpResponse:
    user = _developer(request)
    context: dict[str, Any] = {
        "developer": user,
        "login_url": _login_url(request),
        "sandbox": _sandbox(),
    }
    if user is not None:
        partners = list(partners_of(user))
        context["partners"] = [(p, list(admissions_of_partner(p))) for p in partners]
        context["apps"] = list(apps_of(user))
        asked = {a.tenant_id for _partner, admissions in context["partners"] for a in admissions}
        tenants = [(t.code, t.display_name) for t in public_tenants() if t.pk not in asked]
        if partners and tenants:
            context["admission_form"] = AdmissionRequestForm(tenants=tenants)
    return render(request, "partners/developers/home.html", context)


def signup(request: HttpRequest) -> HttpResponse:
    """Phone and SMS code, then the account and the organisation; a developer already
    logged in only names the organisation."""
    user, sandbox = _developer(request), _sandbox()
    if sandbox is None:
        raise NotFound(CoreErrorCode.NOT_FOUND, _("No tenant is set up yet."))
    phone_form: PhoneForm | None = None if user else PhoneForm()
    form: forms.Form | None = PartnerForm() if user else None
    if request.method == "POST" and request.POST.get("step") == "code" and user is None:
        phone_form, phone = code_step(request, sandbox)
        if phone:
            form = DeveloperSignupForm(initial={"phone": phone})
    elif request.method == "POST":
        form = PartnerForm(request.POST) if user else DeveloperSignupForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if user is None:
                    user = identity_actions.do_register_partner_developer(
                        actor=actor_for(None, request),
                        tenant=sandbox,
                        phone=data["phone"],
                        code=data["code"],
                        password=data["password"],
                        language=request.LANGUAGE_CODE,
                    )
                    start_session(request, user)
                actions.do_register_partner(
                    actor=actor_for(user, request),
                    user=user,
                    name=data["name"],
                    credit_code=data["credit_code"],
                    contact_email=data["contact_email"],
                )
                messages.success(
                    request, _("Welcome! Your organisation can try everything in the sandbox now.")
                )
                return redirect("partners:developers")
            except OnestopError as error:
                show_refusal(form, error)
    context = {"phone_form": phone_form, "form": form, "developer": user}
    return render_with_forms(request, "partners/developers/signup.html", context, [phone_form, form])


@require_POST
@developer_required
def request_admission(request: HttpRequest, user: User, partner_id: int) -> HttpResponse:
    partner = access_partner(user, partner_id)
    tenants = [(t.code, t.display_name) for t in public_tenants()]
    form = AdmissionRequestForm(request.POST, tenants=tenants)
    if form.is_valid():
        tenant = access_tenant_by_code(form.cleaned_data["tenant"])
        try:
            with tenant_database(tenant.code):
                actions.do_request_admission(
                    actor=actor_for(user, request), user=user, partner=partner, tenant=tenant
                )
            messages.success(request, _("Asked. The tenant's operator decides."))
        except OnestopError as error:
            messages.error(request, f"{error.message} ({error.code})")
    return redirect("partners:developers")


@developer_required
def new_app(request: HttpRequest, user: User) -> HttpResponse:
    partner = partners_of(user).first()
    if partner is None:
        return redirect("partners:signup")
    form = NewAppForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            app, secret = actions.do_create_app(
                actor=actor_for(user, request),
                user=user,
                partner=partner,
                name=data["name"],
                description=data["description"],
                redirect_uris=data["redirect_uris"],
                is_service_module=data["is_service_module"],
            )
            return _app_page(request, user, app.client_id, new_secret=secret)
        except OnestopError as error:
            show_refusal(form, error)
    return render(
        request, "partners/developers/new_app.html", {"form": form, "developer": user}, status=_status([form])
    )


def _tenant_choices(user: User, app_partner_id: int) -> list[tuple[str, str]]:
    partner = access_partner(user, app_partner_id)
    return [
        (a.tenant.code, a.tenant.display_name)
        for a in admissions_of_partner(partner)
        if a.state == AdmissionState.APPROVED
    ]


def _app_page(
    request: HttpRequest,
    user: User,
    client_id: str,
    *,
    new_secret: str = "",
    new_webhook_secret: str = "",
    forms_: dict[str, forms.Form] | None = None,
) -> HttpResponse:
    app = access_app(user, client_id)
    tenants = _tenant_choices(user, app.partner_id)
    given = forms_ or {}
    context = {
        "developer": user,
        "app": app,
        "new_secret": new_secret,
        "new_webhook_secret": new_webhook_secret,
        "secrets": list(live_secrets(app)),
        "grants": list(grants_of_app(app)),
        "subscriptions": list(subscriptions_of_app(app)),
        "deliveries": all_deliveries_of_app(app),
        "edit_form": given.get("edit")
        or AppForm(
            initial={
                "name": app.name,
                "description": app.description,
                "redirect_uris": "\n".join(app.redirect_uris),
            }
        ),
        "grant_form": given.get("grant") or GrantForm(tenants=tenants),
        "subscription_form": given.get("subscription") or SubscriptionForm(tenants=tenants),
        "scopes": Scope,
    }
    return render(request, "partners/developers/app.html", context, status=_status(list(given.values())))


@developer_required
def app_detail(request: HttpRequest, user: User, client_id: str) -> HttpResponse:
    return _app_page(request, user, client_id)


@require_POST
@developer_required
def app_action(request: HttpRequest, user: User, client_id: str) -> HttpResponse:
    """The app page's forms: edit, rotate or revoke a secret, enable in a tenant,
    subscribe, unsubscribe, replay a delivery."""
    app = access_app(user, client_id)
    actor, what = actor_for(user, request), request.POST.get("do", "")
    tenants = _tenant_choices(user, app.partner_id)
    try:
        if what == "edit":
            form = AppForm(request.POST)
            if not form.is_valid():
                return _app_page(request, user, client_id, forms_={"edit": form})
            actions.do_update_app(actor=actor, user=user, app=app, **form.cleaned_data)
        elif what == "rotate":
            return _app_page(
                request, user, client_id, new_secret=actions.do_rotate_secret(actor=actor, user=user, app=app)
            )
        elif what == "revoke":
            secret = access_secret(app, request.POST.get("secret", ""))
            actions.do_revoke_secret(actor=actor, user=user, app=app, secret=secret)
        elif what == "grant":
            grant_form = GrantForm(request.POST, tenants=tenants)
            if not grant_form.is_valid():
                return _app_page(request, user, client_id, forms_={"grant": grant_form})
            tenant = access_tenant_by_code(grant_form.cleaned_data["tenant"], public_only=False)
            with tenant_database(tenant.code):
                actions.do_grant_app(
                    actor=actor, user=user, app=app, tenant=tenant, scopes=grant_form.cleaned_data["scopes"]
                )
        elif what == "subscribe":
            return _subscribe(request, user, app, tenants)
        elif what in {"unsubscribe", "replay"}:
            return _webhook_action(request, user, app, what)
    except OnestopError as error:
        messages.error(request, f"{error.message} ({error.code})")
    return redirect("partners:app", app.client_id)


def _subscribe(request: HttpRequest, user: User, app: App, tenants: list[tuple[str, str]]) -> HttpResponse:
    form = SubscriptionForm(request.POST, tenants=tenants)
    if not form.is_valid():
        return _app_page(request, user, app.client_id, forms_={"subscription": form})
    tenant = access_tenant_by_code(form.cleaned_data["tenant"], public_only=False)
    try:
        with tenant_database(tenant.code):
            grant = grant_for(app, tenant)
            if grant is None:
                form.add_error("tenant", _("Enable the app in this tenant first."))
                return _app_page(request, user, app.client_id, forms_={"subscription": form})
            _subscription, secret = actions.do_subscribe(
                actor=actor_for(user, request),
                grant=grant,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
            )
    except OnestopError as error:
        show_refusal(form, error)
        return _app_page(request, user, app.client_id, forms_={"subscription": form})
    return _app_page(request, user, app.client_id, new_webhook_secret=secret)


def _webhook_action(request: HttpRequest, user: User, app: App, what: str) -> HttpResponse:
    actor = actor_for(user, request)
    if what == "unsubscribe":
        wanted = _int(request.POST.get("subscription"))
        found = next((s for s in subscriptions_of_app(app) if s.pk == wanted), None)
        if found is None:
            raise NotFound(PartnerErrorCode.SUBSCRIPTION_NOT_FOUND, _("No such subscription."))
        with tenant_database(found.tenant.code):
            actions.do_unsubscribe(actor=actor, subscription=found)
    else:
        delivery = access_delivery_of_app(app, _int(request.POST.get("delivery")))
        with tenant_database(delivery.tenant.code):
            actions.do_replay(actor=actor, delivery=delivery)
        messages.success(request, _("The event is queued to be sent again."))
    return redirect("partners:app", app.client_id)


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0


def docs(request: HttpRequest) -> HttpResponse:
    sandbox = _sandbox()
    context = {
        "developer": _developer(request),
        "sandbox": sandbox,
        "scopes": Scope,
        "public_url": public_base(),
    }
    return render(request, "partners/developers/docs.html", context)


# --- the citizen's authorised apps ----------------------------------------------------------------


def my_apps(request: HttpRequest, tenant: str) -> HttpResponse:
    owner = access_tenant_by_code(tenant)
    user = current_user(request, owner)
    if user is None:
        return redirect(f"{reverse('identity:login', args=[owner.code])}?next={request.path}")
    if request.method == "POST":
        consent = access_consent(owner, user, request.POST.get("consent", ""))
        actions.do_revoke_consent(actor=actor_for(user, request), user=user, consent=consent)
        messages.success(request, _("Withdrawn: the app can no longer act for you."))
        return redirect("partners:my_apps", owner.code)
    labels = dict(Scope.choices)
    consents = [(c, [labels.get(s, s) for s in c.scopes]) for c in consents_of(owner, user)]
    return render(request, "partners/my_apps.html", {"tenant": owner, "consents": consents, "nav": "me"})
