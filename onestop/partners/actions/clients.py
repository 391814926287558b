"""A partner's apps: their redirect addresses and secrets (returned once, stored as
digests), their grants in tenants, rate limits and the service modules installed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.catalogue.actions import set_back_office
from onestop.core import databases
from onestop.core.actors import Actor
from onestop.core.audit import record_action
from onestop.core.errors import Conflict, Forbidden, ValidationFailed
from onestop.core.scopes import Scope
from onestop.partners import secrets
from onestop.partners.actions.checks import check_member, check_operator, valid_scopes
from onestop.partners.audit import PartnersAudit
from onestop.partners.error_codes import PartnerErrorCode
from onestop.partners.models import (
    Admission,
    AdmissionState,
    App,
    AppGrant,
    ClientSecret,
    Partner,
)

if TYPE_CHECKING:
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant

# A rotated secret keeps working this long, for clients to move to the new one.
SECRET_OVERLAP = timedelta(hours=24)


def _redirect_uris(values: Iterable[str]) -> list[str]:
    uris = []
    for raw in values:
        uri = raw.strip()
        if not uri:
            continue
        parts = urlsplit(uri)
        loopback = parts.hostname in {"127.0.0.1", "localhost", "::1"}
        if (
            parts.fragment
            or not parts.netloc
            or not (parts.scheme == "https" or (parts.scheme == "http" and loopback))
        ):
            raise ValidationFailed(
                PartnerErrorCode.REDIRECT_URI_INVALID,
                _("Redirect URIs are absolute https URLs (http only to this machine) without a fragment."),
                field="redirect_uris",
            )
        uris.append(uri)
    return uris[:10]


def do_create_app(
    *,
    actor: Actor,
    user: User,
    partner: Partner,
    name: str,
    description: str = "",
    redirect_uris: Sequence[str] = (),
    is_service_module: bool = False,
) -> tuple[App, str]:
    """A new app with its first client secret, returned here and never again."""
    check_member(user, partner)
    if not name.strip():
        raise ValidationFailed(PartnerErrorCode.NAME_REQUIRED, _("Enter a name."), field="name")
    uris = _redirect_uris(redirect_uris)
    with databases.action():
        app = App.objects.create(
            partner=partner,
            name=name.strip()[:64],
            description=description.strip()[:500],
            client_id=secrets.new_client_id(),
            redirect_uris=uris,
            is_service_module=is_service_module,
        )
        secret = _new_secret(app)
        record_action(
            actor=actor,
            action=PartnersAudit.CREATE_APP,
            object_type="app",
            object_id=app.client_id,
            detail={"partner": partner.pk},
        )
    return app, secret


def do_update_app(
    *, actor: Actor, user: User, app: App, name: str, description: str, redirect_uris: Sequence[str]
) -> App:
    check_member(user, app.partner)
    if not name.strip():
        raise ValidationFailed(PartnerErrorCode.NAME_REQUIRED, _("Enter a name."), field="name")
    app.name, app.description = name.strip()[:64], description.strip()[:500]
    app.redirect_uris = _redirect_uris(redirect_uris)
    with databases.action():
        app.save(update_fields=["name", "description", "redirect_uris"])
        record_action(
            actor=actor, action=PartnersAudit.UPDATE_APP, object_type="app", object_id=app.client_id
        )
    return app


def _new_secret(app: App) -> str:
    value = secrets.generate(secrets.CLIENT_SECRET)
    ClientSecret.objects.create(app=app, digest=secrets.digest(value), hint=value[:9])
    return value


def do_rotate_secret(*, actor: Actor, user: User, app: App) -> str:
    """A new secret; the ones before keep working for ``SECRET_OVERLAP`` so that clients
    can move over without downtime."""
    check_member(user, app.partner)
    now = timezone.now()
    with databases.action():
        App.objects.select_for_update().filter(pk=app.pk).first()
        app.secrets.filter(revoked_at__isnull=True, expires_at__isnull=True).update(
            expires_at=now + SECRET_OVERLAP
        )
        value = _new_secret(app)
        record_action(
            actor=actor, action=PartnersAudit.ROTATE_SECRET, object_type="app", object_id=app.client_id
        )
    return value


def do_revoke_secret(*, actor: Actor, user: User, app: App, secret: ClientSecret) -> None:
    """End a secret at once (it leaked); the app's last working secret cannot go."""
    check_member(user, app.partner)
    now = timezone.now()
    with databases.action():
        App.objects.select_for_update().filter(pk=app.pk).first()
        others = app.secrets.filter(ClientSecret.live()).exclude(pk=secret.pk)
        if not others.exists():
            raise Conflict(
                PartnerErrorCode.LAST_SECRET, _("Create a new secret before revoking the last one.")
            )
        ClientSecret.objects.filter(pk=secret.pk, app=app).update(revoked_at=now)
        record_action(
            actor=actor,
            action=PartnersAudit.REVOKE_SECRET,
            object_type="app",
            object_id=app.client_id,
            detail={"secret": secret.hint},
        )


def do_grant_app(*, actor: Actor, user: User, app: App, tenant: Tenant, scopes: Sequence[str]) -> AppGrant:
    """Enable an app in a tenant where its partner is approved, with some of the scopes the
    tenant allows the partner."""
    check_member(user, app.partner)
    chosen = valid_scopes(scopes)
    admission = Admission.objects.filter(
        tenant=tenant, partner=app.partner, state=AdmissionState.APPROVED
    ).first()
    if admission is None:
        raise Forbidden(PartnerErrorCode.NOT_ADMITTED, _("The partner is not approved in this tenant."))
    if extra := sorted(set(chosen) - set(admission.scopes)):
        raise Forbidden(
            PartnerErrorCode.SCOPE_NOT_ALLOWED,
            _("The tenant does not allow the scope %(scope)s.") % {"scope": extra[0]},
            field="scopes",
        )
    with databases.action():
        grant, _created = AppGrant.objects.select_for_update().get_or_create(tenant=tenant, app=app)
        grant.scopes = chosen
        grant.save(update_fields=["scopes"])
        record_action(
            actor=actor,
            action=PartnersAudit.GRANT_APP,
            tenant_code=tenant.code,
            object_type="app",
            object_id=app.client_id,
            detail={"scopes": chosen},
        )
    return grant


def do_set_limits(
    *, actor: Actor, operator: User, grant: AppGrant, rate_per_minute: int, quota_per_day: int
) -> AppGrant:
    """The tenant operator's limits for one app."""
    check_operator(operator, grant.tenant)
    if not (1 <= rate_per_minute <= 1_000_000 and 1 <= quota_per_day <= 1_000_000_000):
        raise ValidationFailed(
            PartnerErrorCode.LIMITS_INVALID, _("Enter limits of at least 1."), field="rate_per_minute"
        )
    with databases.action():
        AppGrant.objects.of(grant.tenant_id).filter(pk=grant.pk).update(
            rate_per_minute=rate_per_minute, quota_per_day=quota_per_day
        )
        record_action(
            actor=actor,
            action=PartnersAudit.SET_LIMITS,
            tenant_code=grant.tenant.code,
            object_type="app",
            object_id=grant.app.client_id,
            detail={"rate_per_minute": rate_per_minute, "quota_per_day": quota_per_day},
        )
    grant.rate_per_minute, grant.quota_per_day = rate_per_minute, quota_per_day
    return grant


def do_install_module(*, actor: Actor, operator: User, grant: AppGrant, item_codes: Sequence[str]) -> int:
    """Hand the cases of these items to the app's back office from now on."""
    check_operator(operator, grant.tenant)
    if not grant.app.is_service_module or Scope.CASES_PROCESS not in grant.scopes:
        raise ValidationFailed(
            PartnerErrorCode.NOT_A_SERVICE_MODULE,
            _("This app is not a service module with the cases:process scope here."),
            field="app",
        )
    with databases.action():
        installed = set_back_office(
            actor=actor, tenant=grant.tenant, codes=item_codes, app_client_id=grant.app.client_id
        )
        _record_module(actor, grant, PartnersAudit.INSTALL_MODULE, item_codes)
        return installed


def do_uninstall_module(*, actor: Actor, operator: User, grant: AppGrant, item_codes: Sequence[str]) -> int:
    """New cases of these items go to the console again; the app keeps what it has."""
    check_operator(operator, grant.tenant)
    with databases.action():
        uninstalled = set_back_office(actor=actor, tenant=grant.tenant, codes=item_codes, app_client_id="")
        _record_module(actor, grant, PartnersAudit.UNINSTALL_MODULE, item_codes)
        return uninstalled


def _record_module(actor: Actor, grant: AppGrant, action: PartnersAudit, item_codes: Sequence[str]) -> None:
    record_action(
        actor=actor,
        action=action,
        tenant_code=grant.tenant.code,
        object_type="app",
        object_id=grant.app.client_id,
        detail={"items": sorted(item_codes)},
    )
