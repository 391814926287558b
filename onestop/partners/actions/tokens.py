"""OAuth 2.0: a citizen's consent and its authorization code (PKCE), the tokens issued for
codes, client credentials and refresh tokens, and their revocation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.core import databases
from onestop.core.actors import Actor
from onestop.core.audit import record_action
from onestop.core.errors import NotFound, ValidationFailed
from onestop.core.scopes import CITIZEN_SCOPES
from onestop.partners import secrets
from onestop.partners.audit import PartnersAudit
from onestop.partners.error_codes import PartnerErrorCode
from onestop.partners.models import (
    App,
    AppGrant,
    AuthorizationCode,
    Consent,
    Token,
)
from onestop.partners.pkce import verifier_matches

if TYPE_CHECKING:
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant


ACCESS_TOKEN_LIFETIME = timedelta(hours=1)


REFRESH_TOKEN_LIFETIME = timedelta(days=30)


CODE_LIFETIME = timedelta(minutes=5)


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


def do_issue_client_token(
    *, actor: Actor, app: App, grant: AppGrant, scopes: Sequence[str]
) -> dict[str, object]:
    """Client credentials: a token for the app itself, with the granted scopes asked for
    (all granted scopes when none are asked)."""
    asked = set(scopes) or set(grant.scopes)
    if not asked <= set(grant.scopes):
        raise ValidationFailed(PartnerErrorCode.SCOPE_NOT_ALLOWED, _("The app is not granted these scopes."))
    with databases.action():
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


def do_exchange_code(
    *, actor: Actor, app: App, code: str, redirect_uri: str, code_verifier: str
) -> dict[str, object]:
    """Authorization code plus PKCE verifier for tokens. A code is spent by its first try,
    right or wrong; a code tried again ends every token issued from it (RFC 6749 4.1.2)."""
    now = timezone.now()
    refusal, body = "", {}
    with databases.action():
        found = (
            AuthorizationCode.objects.platform_wide()  # a code names its tenant by being found
            .select_for_update()
            .filter(digest=secrets.digest(code), app=app)
            .select_related("consent", "tenant")
            .first()
        )
        if found is None or found.expires_at <= now:
            raise GrantRefused("unknown or expired code")
        if found.used_at is not None:
            Token.objects.of(found.tenant_id).filter(
                consent=found.consent, created_at__gte=found.used_at
            ).update(revoked_at=now)
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


def do_refresh_tokens(*, actor: Actor, app: App, refresh_token: str) -> dict[str, object]:
    """A new access and refresh token for a live refresh token; the old pair ends. A
    refresh token used after its rotation was copied: every token of the consent ends."""
    now = timezone.now()
    refusal, body = "", {}
    with databases.action():
        old = (
            Token.objects.platform_wide()  # a refresh token names its tenant by being found
            .select_for_update(of=("self",))
            .filter(refresh_digest=secrets.digest(refresh_token), app=app)
            .select_related("consent", "tenant")
            .first()
        )
        if old is None or old.consent is None or old.refresh_expires_at is None:
            raise GrantRefused("unknown refresh token")
        if old.revoked_at is not None:
            Token.objects.of(old.tenant_id).filter(consent=old.consent, revoked_at__isnull=True).update(
                revoked_at=now
            )
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


def do_revoke_token(*, actor: Actor, app: App, token: str) -> None:
    """RFC 7009: end an access or refresh token of this app; unknown tokens are ignored."""
    digest = secrets.digest(token)
    with databases.action():
        changed = (
            Token.objects.platform_wide()  # whichever tenant the app's token is for
            .filter(app=app, revoked_at__isnull=True)
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
        Consent.objects.of(consent.tenant_id).filter(pk=consent.pk).update(revoked_at=now)
        Token.objects.of(consent.tenant_id).filter(consent=consent, revoked_at__isnull=True).update(
            revoked_at=now
        )
        record_action(
            actor=actor,
            action=PartnersAudit.REVOKE_CONSENT,
            tenant_code=consent.tenant.code,
            object_type="app",
            object_id=consent.app.client_id,
        )
