"""Every write of the open platform: partners, admissions, apps and their secrets, grants,
service modules, citizens' consents, tokens and webhook subscriptions.

Each action checks first, writes in one transaction and leaves an audit entry. Secrets
are returned once, by the action that makes them, and stored only as digests.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.db import IntegrityError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.catalogue.actions import set_back_office
from onestop.core import databases
from onestop.core.actors import Actor, ActorKind
from onestop.core.audit import record_action
from onestop.core.crypto import encrypt
from onestop.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from onestop.core.scopes import CITIZEN_SCOPES, Scope
from onestop.identity.permissions import Permission, has_permission
from onestop.partners import secrets, webhook_targets
from onestop.partners.audit import PartnersAudit
from onestop.partners.error_codes import PartnerErrorCode
from onestop.partners.models import (
    Admission,
    AdmissionState,
    App,
    AppGrant,
    AuthorizationCode,
    ClientSecret,
    Consent,
    Partner,
    Subscription,
    Token,
    WebhookDelivery,
)
from onestop.partners.pkce import verifier_matches
from onestop.partners.webhook_events import EVENT_TYPES
from onestop.tenancy.access import directory, tenant_database
from onestop.tenancy.models import TenantKind

if TYPE_CHECKING:
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant

ACCESS_TOKEN_LIFETIME = timedelta(hours=1)
REFRESH_TOKEN_LIFETIME = timedelta(days=30)
CODE_LIFETIME = timedelta(minutes=5)
# A rotated secret keeps working this long, for clients to move to the new one.
SECRET_OVERLAP = timedelta(hours=24)
ALL_SCOPES = frozenset(Scope.values)

# GB 32100-2015: 18 characters from this alphabet, the last a check character.
_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def app_actor(app: App, address: str | None = None) -> Actor:
    """An app acting for itself (or, with a consent, for a citizen)."""
    return Actor(kind=ActorKind.PARTNER_APP, id=app.client_id, label=app.name, address=address)


def credit_code_is_valid(code: str) -> bool:
    """A unified social credit code (统一社会信用代码) with its check character."""
    if len(code) != 18 or any(c not in _CREDIT_ALPHABET for c in code):
        return False
    total = sum(_CREDIT_ALPHABET.index(c) * w for c, w in zip(code, _CREDIT_WEIGHTS, strict=False))
    return _CREDIT_ALPHABET[(31 - total % 31) % 31] == code[17]


def _scopes(values: Iterable[str], *, field: str = "scopes") -> list[str]:
    chosen = sorted({v.strip() for v in values if v.strip()})
    if unknown := [v for v in chosen if v not in ALL_SCOPES]:
        raise ValidationFailed(
            PartnerErrorCode.SCOPE_INVALID,
            _("Unknown scope: %(scope)s.") % {"scope": unknown[0]},
            field=field,
        )
    return chosen


def _check_member(user: User, partner: Partner) -> None:
    if not partner.members.filter(pk=user.pk).exists():
        raise NotFound(PartnerErrorCode.PARTNER_NOT_FOUND, _("No such partner."))


def _check_operator(operator: User, tenant: Tenant) -> None:
    if not has_permission(operator, Permission.MANAGE_PARTNERS, tenant=tenant):
        raise Forbidden(PartnerErrorCode.PERMISSION_DENIED, _("You do not have permission to do this."))


# --- partners and admissions ---------------------------------------------------------------


def do_register_partner(
    *, actor: Actor, user: User, name: str, credit_code: str, contact_email: str = ""
) -> Partner:
    """A partner organisation, with ``user`` as its first member; it is admitted at once to
    every sandbox tenant, with every scope, to try everything on fake data."""
    name, code = name.strip(), credit_code.strip().upper()
    if not name:
        raise ValidationFailed(PartnerErrorCode.NAME_REQUIRED, _("Enter a name."), field="name")
    if not credit_code_is_valid(code):
        raise ValidationFailed(
            PartnerErrorCode.CREDIT_CODE_INVALID,
            _("This is not a valid unified social credit code."),
            field="credit_code",
        )
    try:
        with databases.action():
            partner = Partner.objects.create(name=name, credit_code=code, contact_email=contact_email)
            partner.members.add(user)
            for sandbox in directory().filter(kind=TenantKind.SANDBOX):
                with tenant_database(sandbox.code):
                    Admission.objects.create(
                        tenant=sandbox,
                        partner=partner,
                        state=AdmissionState.APPROVED,
                        scopes=sorted(ALL_SCOPES),
                        decided_at=timezone.now(),
                        note="sandbox",
                    )
            record_action(
                actor=actor,
                action=PartnersAudit.REGISTER,
                object_type="partner",
                object_id=str(partner.pk),
                detail={"name": name},
            )
    except IntegrityError:
        raise ValidationFailed(
            PartnerErrorCode.CREDIT_CODE_TAKEN,
            _("A partner with this credit code is registered already."),
            field="credit_code",
        ) from None
    return partner


def do_request_admission(*, actor: Actor, user: User, partner: Partner, tenant: Tenant) -> Admission:
    _check_member(user, partner)
    try:
        with databases.action():
            admission = Admission.objects.create(tenant=tenant, partner=partner, state=AdmissionState.PENDING)
            record_action(
                actor=actor,
                action=PartnersAudit.REQUEST_ADMISSION,
                tenant_code=tenant.code,
                object_type="partner",
                object_id=str(partner.pk),
            )
    except IntegrityError:
        raise Conflict(
            PartnerErrorCode.ADMISSION_EXISTS, _("The partner has asked this tenant already.")
        ) from None
    return admission


def do_decide_admission(
    *,
    actor: Actor,
    operator: User,
    admission: Admission,
    state: str,
    scopes: Sequence[str] = (),
    note: str = "",
) -> Admission:
    """Approve (with the scopes the partner's apps may have here), reject or suspend. A
    narrower approval narrows every grant; suspending or rejecting ends the partner's
    tokens in the tenant."""
    tenant = admission.tenant
    _check_operator(operator, tenant)
    if state not in {AdmissionState.APPROVED, AdmissionState.REJECTED, AdmissionState.SUSPENDED}:
        raise ValidationFailed(PartnerErrorCode.DECISION_INVALID, _("Choose a decision."), field="state")
    allowed = _scopes(scopes) if state == AdmissionState.APPROVED else []
    now = timezone.now()
    with databases.action():
        admission = Admission.objects.select_for_update().get(pk=admission.pk)
        admission.state, admission.scopes, admission.note = state, allowed, note.strip()[:500]
        admission.decided_at, admission.decided_by = now, operator
        admission.save()
        apps = list(App.objects.filter(partner_id=admission.partner_id).values_list("id", flat=True))
        for grant in AppGrant.objects.select_for_update().filter(tenant=tenant, app_id__in=apps):
            grant.scopes = sorted(set(grant.scopes) & set(allowed))
            grant.save(update_fields=["scopes"])
        if state != AdmissionState.APPROVED:
            Token.objects.filter(tenant=tenant, app_id__in=apps, revoked_at__isnull=True).update(
                revoked_at=now
            )
        record_action(
            actor=actor,
            action=PartnersAudit(f"partners.admission.{state}"),
            tenant_code=tenant.code,
            object_type="partner",
            object_id=str(admission.partner_id),
            detail={"scopes": allowed},
        )
    return admission


# --- apps and secrets ------------------------------------------------------------------------------


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
    _check_member(user, partner)
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
    _check_member(user, app.partner)
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
    _check_member(user, app.partner)
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
    _check_member(user, app.partner)
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


def authenticate_client(client_id: str, client_secret: str) -> App | None:
    """The app whose id and (live) secret these are; None for anything else."""
    if not client_id or not client_secret.startswith(secrets.CLIENT_SECRET):
        return None
    found = (
        ClientSecret.objects.filter(
            ClientSecret.live(), digest=secrets.digest(client_secret), app__client_id=client_id
        )
        .select_related("app", "app__partner")  # all three the platform's: one database
        .first()
    )
    return found.app if found is not None else None


def do_grant_app(*, actor: Actor, user: User, app: App, tenant: Tenant, scopes: Sequence[str]) -> AppGrant:
    """Enable an app in a tenant where its partner is approved, with some of the scopes the
    tenant allows the partner."""
    _check_member(user, app.partner)
    chosen = _scopes(scopes)
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
    _check_operator(operator, grant.tenant)
    if not (1 <= rate_per_minute <= 1_000_000 and 1 <= quota_per_day <= 1_000_000_000):
        raise ValidationFailed(
            PartnerErrorCode.LIMITS_INVALID, _("Enter limits of at least 1."), field="rate_per_minute"
        )
    with databases.action():
        AppGrant.objects.filter(pk=grant.pk).update(
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
    _check_operator(operator, grant.tenant)
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
    _check_operator(operator, grant.tenant)
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


# --- OAuth 2.0: consents, codes and tokens --------------------------------------------------------


def _new_token(
    *, app: App, tenant: Tenant, scopes: Sequence[str], consent: Consent | None
) -> dict[str, object]:
    access = secrets.generate(secrets.ACCESS_TOKEN)
    refresh = secrets.generate(secrets.REFRESH_TOKEN) if consent is not None else None
    now = timezone.now()
    Token.objects.create(
        tenant=tenant,
        app=app,
        consent=consent,
        scopes=list(scopes),
        access_digest=secrets.digest(access),
        expires_at=now + ACCESS_TOKEN_LIFETIME,
        refresh_digest=secrets.digest(refresh) if refresh else None,
        refresh_expires_at=now + REFRESH_TOKEN_LIFETIME if refresh else None,
    )
    body: dict[str, object] = {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": int(ACCESS_TOKEN_LIFETIME.total_seconds()),
        "scope": " ".join(scopes),
    }
    if refresh:
        body["refresh_token"] = refresh
    return body


def issue_client_token(
    *, actor: Actor, app: App, grant: AppGrant, scopes: Sequence[str]
) -> dict[str, object]:
    """Client credentials: a token for the app itself, with the granted scopes asked for
    (all granted scopes when none are asked)."""
    asked = set(scopes) or set(grant.scopes)
    if not asked <= set(grant.scopes):
        raise ValidationFailed(PartnerErrorCode.SCOPE_NOT_ALLOWED, _("The app is not granted these scopes."))
    with databases.atomic():
        body = _new_token(app=app, tenant=grant.tenant, scopes=sorted(asked), consent=None)
        record_action(
            actor=actor,
            action=PartnersAudit.TOKEN_CLIENT_CREDENTIALS,
            tenant_code=grant.tenant.code,
            object_type="app",
            object_id=app.client_id,
            detail={"scopes": sorted(asked)},
        )
    return body


def do_authorize(
    *,
    actor: Actor,
    user: User,
    app: App,
    grant: AppGrant,
    scopes: Sequence[str],
    redirect_uri: str,
    code_challenge: str,
) -> str:
    """The citizen consents to the app acting for them with ``scopes``; returns the
    authorization code for the app (PKCE S256, five minutes, once)."""
    chosen = set(scopes)
    if not chosen or not chosen <= set(grant.scopes) or not chosen <= CITIZEN_SCOPES:
        raise ValidationFailed(
            PartnerErrorCode.SCOPE_NOT_ALLOWED, _("The app asks for scopes it cannot have.")
        )
    code = secrets.generate(secrets.AUTHORIZATION_CODE)
    with databases.action():
        consent, _created = Consent.objects.select_for_update().get_or_create(
            tenant=grant.tenant, app=app, user=user, defaults={"scopes": sorted(chosen)}
        )
        consent.scopes = sorted(set(consent.scopes if consent.revoked_at is None else []) | chosen)
        consent.revoked_at, consent.granted_at = None, timezone.now()
        consent.save()
        AuthorizationCode.objects.create(
            tenant=grant.tenant,
            digest=secrets.digest(code),
            app=app,
            consent=consent,
            scopes=sorted(chosen),
            redirect_uri=redirect_uri,
            code_challenge=code_challenge,
            expires_at=timezone.now() + CODE_LIFETIME,
        )
        record_action(
            actor=actor,
            action=PartnersAudit.CONSENT,
            tenant_code=grant.tenant.code,
            object_type="app",
            object_id=app.client_id,
            detail={"scopes": sorted(chosen)},
        )
    return code


class GrantRefused(Exception):
    """An OAuth grant that does not hold (RFC 6749 ``invalid_grant``)."""


def exchange_code(
    *, actor: Actor, app: App, code: str, redirect_uri: str, code_verifier: str
) -> dict[str, object]:
    """Authorization code plus PKCE verifier for tokens. A code is spent by its first try,
    right or wrong; a code tried again ends every token issued from it (RFC 6749 4.1.2)."""
    now = timezone.now()
    refusal, body = "", {}
    with databases.atomic():
        found = (
            AuthorizationCode.objects.select_for_update()
            .filter(digest=secrets.digest(code), app=app)
            .select_related("consent", "tenant")
            .first()
        )
        if found is None or found.expires_at <= now:
            raise GrantRefused("unknown or expired code")
        if found.used_at is not None:
            Token.objects.filter(consent=found.consent, created_at__gte=found.used_at).update(revoked_at=now)
            refusal = "code used before"
        else:
            found.used_at = now
            found.save(update_fields=["used_at"])
            consent = found.consent
            if found.redirect_uri != redirect_uri or not verifier_matches(
                code_verifier, found.code_challenge
            ):
                refusal = "redirect_uri or code_verifier does not match"
            elif consent.revoked_at is not None:
                refusal = "consent withdrawn"
            else:
                scopes = sorted(set(found.scopes) & set(consent.scopes))
                body = _new_token(app=app, tenant=found.tenant, scopes=scopes, consent=consent)
                record_action(
                    actor=actor,
                    action=PartnersAudit.TOKEN_AUTHORIZATION_CODE,
                    tenant_code=found.tenant.code,
                    object_type="app",
                    object_id=app.client_id,
                    detail={"scopes": scopes},
                )
    if refusal:  # raised after the commit: what was spent or revoked stays so
        raise GrantRefused(refusal)
    return body


def refresh_tokens(*, actor: Actor, app: App, refresh_token: str) -> dict[str, object]:
    """A new access and refresh token for a live refresh token; the old pair ends. A
    refresh token used after its rotation was copied: every token of the consent ends."""
    now = timezone.now()
    refusal, body = "", {}
    with databases.atomic():
        old = (
            Token.objects.select_for_update(of=("self",))
            .filter(refresh_digest=secrets.digest(refresh_token), app=app)
            .select_related("consent", "tenant")
            .first()
        )
        if old is None or old.consent is None or old.refresh_expires_at is None:
            raise GrantRefused("unknown refresh token")
        if old.revoked_at is not None:
            Token.objects.filter(consent=old.consent, revoked_at__isnull=True).update(revoked_at=now)
            refusal = "refresh token used before"
        elif old.refresh_expires_at <= now or old.consent.revoked_at is not None:
            refusal = "refresh token expired"
        else:
            old.revoked_at = now
            old.save(update_fields=["revoked_at"])
            scopes = sorted(set(old.scopes) & set(old.consent.scopes))
            body = _new_token(app=app, tenant=old.tenant, scopes=scopes, consent=old.consent)
            record_action(
                actor=actor,
                action=PartnersAudit.TOKEN_REFRESH,
                tenant_code=old.tenant.code,
                object_type="app",
                object_id=app.client_id,
            )
    if refusal:
        raise GrantRefused(refusal)
    return body


def revoke_token(*, actor: Actor, app: App, token: str) -> None:
    """RFC 7009: end an access or refresh token of this app; unknown tokens are ignored."""
    digest = secrets.digest(token)
    with databases.atomic():
        changed = (
            Token.objects.filter(app=app, revoked_at__isnull=True)
            .filter(Q(access_digest=digest) | Q(refresh_digest=digest))
            .update(revoked_at=timezone.now())
        )
        if changed:
            record_action(
                actor=actor,
                action=PartnersAudit.TOKEN_REVOKE,
                object_type="app",
                object_id=app.client_id,
            )


def do_revoke_consent(*, actor: Actor, user: User, consent: Consent) -> None:
    """The citizen withdraws an app's authorisation: its tokens stop working at once."""
    if consent.user_id != user.pk:
        raise NotFound(PartnerErrorCode.CONSENT_NOT_FOUND, _("No such authorisation."))
    now = timezone.now()
    with databases.action():
        Consent.objects.filter(pk=consent.pk).update(revoked_at=now)
        Token.objects.filter(consent=consent, revoked_at__isnull=True).update(revoked_at=now)
        record_action(
            actor=actor,
            action=PartnersAudit.REVOKE_CONSENT,
            tenant_code=consent.tenant.code,
            object_type="app",
            object_id=consent.app.client_id,
        )


# --- webhooks ---------------------------------------------------------------------------------------


def _events(values: Iterable[str]) -> list[str]:
    chosen = sorted({v.strip() for v in values if v.strip()})
    unknown = [v for v in chosen if v not in EVENT_TYPES]
    if not chosen or unknown:
        message = _("Choose events from: %(known)s.") % {"known": ", ".join(EVENT_TYPES)}
        raise ValidationFailed(PartnerErrorCode.EVENT_UNKNOWN, message, field="events")
    return chosen


def do_subscribe(
    *, actor: Actor, grant: AppGrant, url: str, events: Sequence[str]
) -> tuple[Subscription, str]:
    """A webhook subscription of the app in the grant's tenant, with its signing secret."""
    # Refused before any write: a URL that is, or resolves to, an address that is not public.
    target, chosen = webhook_targets.subscription_url(url), _events(events)
    secret = secrets.generate(secrets.WEBHOOK_SECRET, 24)
    with databases.action():
        subscription = Subscription.objects.create(
            tenant=grant.tenant, app=grant.app, url=target, events=chosen, secret_encrypted=encrypt(secret)
        )
        record_action(
            actor=actor,
            action=PartnersAudit.SUBSCRIBE,
            tenant_code=grant.tenant.code,
            object_type="subscription",
            object_id=str(subscription.pk),
            detail={"app": grant.app.client_id, "events": chosen},
        )
    return subscription, secret


def do_unsubscribe(*, actor: Actor, subscription: Subscription) -> None:
    with databases.action():
        Subscription.objects.filter(pk=subscription.pk).update(active=False)
        WebhookDelivery.objects.filter(subscription=subscription, state="pending").update(
            state="failed", last_error="unsubscribed"
        )
        record_action(
            actor=actor,
            action=PartnersAudit.UNSUBSCRIBE,
            tenant_code=subscription.tenant.code,
            object_type="subscription",
            object_id=str(subscription.pk),
        )


def do_replay(*, actor: Actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send an event again: a new delivery with the same event id and body."""
    if not delivery.subscription.active:
        raise NotFound(PartnerErrorCode.SUBSCRIPTION_NOT_FOUND, _("No such subscription."))
    with databases.action():
        replay = WebhookDelivery.objects.create(
            tenant=delivery.tenant,
            subscription=delivery.subscription,
            event_id=delivery.event_id,
            event_type=delivery.event_type,
            payload=delivery.payload,
            replay_of=delivery,
        )
        record_action(
            actor=actor,
            action=PartnersAudit.REPLAY,
            tenant_code=delivery.tenant.code,
            object_type="webhook_delivery",
            object_id=str(delivery.pk),
        )
    return replay
