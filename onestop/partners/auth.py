"""Checking a partner's access token on an API call (registered with `core.apiauth`):
valid now, for the tenant in the path, under the app's rate limit and quota, with the
scopes and the kind of token the operation needs."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onestop.core.apiauth import Delegation
from onestop.core.errors import CoreErrorCode, Forbidden, NotFound, TooManyRequests
from onestop.partners import ratelimit
from onestop.partners.access import Caller, resolve_token
from onestop.partners.error_codes import PartnerErrorCode


def authenticate(
    request: HttpRequest, token: str, scopes: frozenset[str], citizen: bool | None
) -> Delegation:
    caller = resolve_token(token)
    match = getattr(request, "resolver_match", None)
    tenant = match.kwargs.get("tenant") if match is not None else None
    if tenant is not None and tenant != caller.tenant.code:
        # A token of another tenant: that tenant's objects do not exist for it.
        raise NotFound(CoreErrorCode.NOT_FOUND, _("Not found."))
    meter(caller)
    if missing := sorted(scopes - caller.scopes):
        error = Forbidden(
            PartnerErrorCode.INSUFFICIENT_SCOPE,
            _("The token lacks the scope %(scope)s.") % {"scope": missing[0]},
        )
        wanted = " ".join(sorted(scopes))
        error.headers = {"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{wanted}"'}
        raise error
    if citizen is True and caller.user is None:
        raise Forbidden(
            PartnerErrorCode.CITIZEN_TOKEN_REQUIRED, _("This needs a token issued with a citizen's consent.")
        )
    if citizen is False and caller.user is not None:
        raise Forbidden(
            PartnerErrorCode.APP_TOKEN_REQUIRED, _("This needs the app's own token (client credentials).")
        )
    request.partner = caller  # type: ignore[attr-defined]
    return Delegation(
        app_client_id=caller.app.client_id,
        app_name=caller.app.name,
        tenant_code=caller.tenant.code,
        scopes=caller.scopes,
        user_id=caller.user.pk if caller.user else None,
    )


def meter(caller: Caller) -> None:
    """Count the call; over the limit, refuse it before any work with 429 and Retry-After."""
    verdict = ratelimit.check(
        caller.app.pk,
        caller.tenant.pk,
        per_minute=caller.grant.rate_per_minute,
        per_day=caller.grant.quota_per_day,
    )
    if verdict.allowed:
        return
    if verdict.which == "day":
        raise TooManyRequests(
            PartnerErrorCode.QUOTA_EXCEEDED,
            _("The app's daily quota here is used up."),
            retry_after=verdict.retry_after,
        )
    raise TooManyRequests(
        PartnerErrorCode.RATE_LIMITED, _("Too many requests; slow down."), retry_after=verdict.retry_after
    )


def caller_of(request: HttpRequest) -> Caller:
    """The app behind a request its operation's auth let through with a token."""
    caller: Caller = request.partner  # type: ignore[attr-defined]
    return caller
