"""Reads of the open platform. A partner's member sees the partner's own apps only; a
tenant's operator sees that tenant's admissions and grants only; a citizen sees their own
consents. Anything else answers like a missing object."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.core import databases
from onestop.core.actors import Actor, ActorKind
from onestop.core.errors import NotAuthenticated, NotFound
from onestop.partners import secrets
from onestop.partners.error_codes import PartnerErrorCode
from onestop.partners.models import (
    Admission,
    AdmissionState,
    App,
    AppGrant,
    ClientSecret,
    Consent,
    Partner,
    Subscription,
    Token,
    WebhookDelivery,
)

if TYPE_CHECKING:
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant

T = TypeVar("T", bound=Model)


def _by_pk(rows: QuerySet[T], pk: int | str, missing: NotFound) -> T:
    """The row with this primary key among ``rows``; anything else raises ``missing``."""
    try:
        found = rows.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise missing
    return found


# --- partners and apps, as their members see them --------------------------------------------


def partners_of(user: User) -> QuerySet[Partner]:
    return Partner.objects.filter(members=user)


def access_partner(user: User, partner_id: int | str) -> Partner:
    return _by_pk(
        partners_of(user),
        partner_id,
        NotFound(PartnerErrorCode.PARTNER_NOT_FOUND, _("No such partner.")),
    )


def apps_of(user: User) -> QuerySet[App]:
    return App.objects.filter(partner__members=user).select_related("partner")


def access_app(user: User, client_id: str) -> App:
    app = apps_of(user).filter(client_id=client_id).first()
    if app is None:
        raise NotFound(PartnerErrorCode.APP_NOT_FOUND, _("No such app."))
    return app


def live_secrets(app: App) -> QuerySet[ClientSecret]:
    return app.secrets.filter(ClientSecret.live())


def access_secret(app: App, secret_id: int | str) -> ClientSecret:
    return _by_pk(
        live_secrets(app),
        secret_id,
        NotFound(PartnerErrorCode.SECRET_NOT_FOUND, _("No such secret.")),
    )


def admissions_of_partner(partner: Partner) -> list[Admission]:
    """The partner's admissions in every tenant, on whichever database each lives."""
    return _on_every_database(lambda: Admission.objects.platform_wide().filter(partner_id=partner.pk))


def grants_of_app(app: App) -> list[AppGrant]:
    return _on_every_database(lambda: AppGrant.objects.platform_wide().filter(app_id=app.pk))


def _on_every_database(rows: Callable[[], QuerySet[Any]]) -> list[Any]:
    """Rows of every tenant, read on each database (the partner's side of the platform
    spans them all), by tenant; a copy left behind by a move is not counted twice."""
    found: list[Any] = []
    for alias in databases.aliases():
        with databases.using(alias):
            found.extend(r for r in rows().select_related("tenant") if r.tenant.database == alias)
    return sorted(found, key=lambda r: r.tenant.code)


def admission_for(partner: Partner, tenant: Tenant) -> Admission | None:
    return Admission.objects.filter(tenant=tenant, partner=partner).first()


# --- what a tenant sees ----------------------------------------------------------------------


def admissions_of(tenant: Tenant) -> QuerySet[Admission]:
    return (
        Admission.objects.filter(tenant=tenant)
        .select_related("decided_by")
        .prefetch_related("partner")
        .order_by("state", "-requested_at")
    )


def access_admission(tenant: Tenant, admission_id: int | str) -> Admission:
    return _by_pk(
        admissions_of(tenant),
        admission_id,
        NotFound(PartnerErrorCode.PARTNER_NOT_FOUND, _("No such partner.")),
    )


def grants_of(tenant: Tenant) -> QuerySet[AppGrant]:
    """The apps granted in a tenant whose partner stands approved there, in the order
    they were granted. Partners and apps are the platform's, on the default database:
    they are fetched beside the tenant's grants, never joined to them."""
    approved = Admission.objects.filter(tenant=tenant, state=AdmissionState.APPROVED)
    apps = App.objects.filter(partner_id__in=list(approved.values_list("partner_id", flat=True)))
    return (
        AppGrant.objects.filter(tenant=tenant, app_id__in=list(apps.values_list("id", flat=True)))
        .prefetch_related("app__partner")
        .order_by("id")
    )


def app_by_client_id(client_id: str) -> App | None:
    return App.objects.filter(client_id=client_id).select_related("partner").first()


def access_grant(tenant: Tenant, client_id: str) -> AppGrant:
    app = app_by_client_id(client_id)
    grant = grants_of(tenant).filter(app=app).first() if app else None
    if grant is None:
        raise NotFound(PartnerErrorCode.APP_NOT_FOUND, _("No such app."))
    return grant


def grant_for(app: App, tenant: Tenant) -> AppGrant | None:
    """The app's grant in the tenant, if its partner stands approved there."""
    return grants_of(tenant).filter(app=app).first()


# --- citizens' consents ------------------------------------------------------------------------


def consents_of(tenant: Tenant, user: User) -> QuerySet[Consent]:
    return (
        Consent.objects.filter(tenant=tenant, user=user, revoked_at__isnull=True)
        .prefetch_related("app__partner")
        .order_by("-granted_at")
    )


def access_consent(tenant: Tenant, user: User, consent_id: int | str) -> Consent:
    return _by_pk(
        consents_of(tenant, user),
        consent_id,
        NotFound(PartnerErrorCode.CONSENT_NOT_FOUND, _("No such authorisation.")),
    )


def access_app_for_authorization(tenant: Tenant, client_id: str) -> tuple[App, AppGrant]:
    """An app a citizen of this tenant may authorise: granted there, partner approved."""
    app = app_by_client_id(client_id)
    grant = grants_of(tenant).filter(app=app).first() if app else None
    if grant is None:
        raise NotFound(PartnerErrorCode.APP_NOT_FOUND, _("No such app."))
    return grant.app, grant


# --- calls with a token --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Caller:
    """Who calls the API with a token: an app in a tenant, for itself or for a citizen."""

    app: App
    tenant: Tenant
    grant: AppGrant
    scopes: frozenset[str]
    user: User | None
    token_id: int


def resolve_token(raw: str) -> Caller:
    """The caller behind an access token; any token not valid now (unknown, expired,
    revoked, its consent withdrawn, its partner no longer approved) is refused alike."""
    refused = NotAuthenticated(PartnerErrorCode.TOKEN_INVALID, _("The access token is not valid."))
    refused.headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
    if not raw.startswith(secrets.ACCESS_TOKEN):
        raise refused
    token = (
        Token.objects.platform_wide()  # a bearer token names its tenant by being found
        .filter(access_digest=secrets.digest(raw), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("tenant", "consent", "consent__user")
        .prefetch_related("app__partner")
        .first()
    )
    if token is None:
        raise refused
    consent = token.consent
    if consent is not None and (consent.revoked_at is not None or not consent.user.is_active):
        raise refused
    grant = grant_for(token.app, token.tenant)
    if grant is None:
        raise refused
    scopes = frozenset(token.scopes) & frozenset(grant.scopes)
    return Caller(
        app=token.app,
        tenant=token.tenant,
        grant=grant,
        scopes=scopes,
        user=consent.user if consent else None,
        token_id=token.pk,
    )


# --- webhooks ----------------------------------------------------------------------------------


def subscriptions_of(tenant: Tenant, app: App) -> QuerySet[Subscription]:
    return Subscription.objects.filter(tenant=tenant, app=app, active=True)


def access_subscription(tenant: Tenant, app: App, subscription_id: int | str) -> Subscription:
    return _by_pk(
        subscriptions_of(tenant, app),
        subscription_id,
        NotFound(PartnerErrorCode.SUBSCRIPTION_NOT_FOUND, _("No such subscription.")),
    )


def deliveries_of(tenant: Tenant, app: App) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(tenant=tenant, subscription__app=app).select_related("subscription")


def access_delivery(tenant: Tenant, app: App, delivery_id: int | str) -> WebhookDelivery:
    return _by_pk(
        deliveries_of(tenant, app),
        delivery_id,
        NotFound(PartnerErrorCode.DELIVERY_NOT_FOUND, _("No such delivery.")),
    )


def all_deliveries_of_app(app: App, *, limit: int = 50) -> list[WebhookDelivery]:
    """The app's latest deliveries in every tenant, for its developers' delivery log."""
    found = _on_every_database(
        lambda: (
            WebhookDelivery.objects.platform_wide()
            .filter(subscription__app=app)
            .select_related("subscription")[:limit]
        )
    )
    return sorted(found, key=lambda d: (d.created_at, d.pk), reverse=True)[:limit]


def access_delivery_of_app(app: App, delivery_id: int) -> WebhookDelivery:
    """One of the app's deliveries, in whichever tenant (ids are unique across databases)."""
    for alias in databases.aliases():
        with databases.using(alias):
            found = (
                WebhookDelivery.objects.platform_wide()
                .filter(subscription__app=app, pk=delivery_id)
                .select_related("subscription", "tenant")
                .first()
            )
        if found is not None and found.tenant.database == alias:
            return found
    raise NotFound(PartnerErrorCode.DELIVERY_NOT_FOUND, _("No such delivery."))


def subscriptions_of_app(app: App) -> list[Subscription]:
    return _on_every_database(lambda: Subscription.objects.platform_wide().filter(app=app, active=True))


# --- apps as the token endpoint knows them ------------------------------------------------


def app_actor(app: App, address: str | None = None) -> Actor:
    """An app acting for itself (or, with a consent, for a citizen)."""
    return Actor(kind=ActorKind.PARTNER_APP, id=app.client_id, label=app.name, address=address)


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
