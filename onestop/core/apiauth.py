"""Partner apps' bearer tokens on API operations, for every module's router.

``partner_route("cases:read", citizen=True)`` gives an operation its ``auth`` and its
documented ``security``: an OAuth 2.0 access token with those scopes (issued under a
citizen's consent when ``citizen`` is True, the app's own when False), or the portal's
session where ``session`` is set, or no credentials at all where ``public`` is set.

Tokens are checked by the authenticator the open platform registers when it is ready
(``register_token_authenticator``), which also counts the call against the app's rate
limit; operations receive a ``Delegation``. Without one, no token is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.http import HttpRequest
from django.utils import translation
from ninja.security import django_auth
from ninja.security.base import AuthBase

from onestop.core.actors import Actor, ActorKind
from onestop.core.scopes import Scope

SCHEME = "PartnerOAuth"
SECURITY_KEY = "x-onestop-security"


@dataclass(frozen=True, slots=True)
class Delegation:
    """An app calling with a token: for itself, or for the citizen ``user_id``."""

    app_client_id: str
    app_name: str
    tenant_code: str
    scopes: frozenset[str]
    user_id: int | None

    def actor(self, address: str | None = None) -> Actor:
        return Actor(kind=ActorKind.PARTNER_APP, id=self.app_client_id, label=self.app_name, address=address)


class Authenticator(Protocol):
    def __call__(
        self, request: HttpRequest, token: str, scopes: frozenset[str], citizen: bool | None
    ) -> Delegation: ...


_authenticators: list[Authenticator] = []


def register_token_authenticator(check: Authenticator) -> None:
    """The one check of bearer tokens (the open platform's)."""
    _authenticators[:] = [check]


def _authenticator() -> Authenticator | None:
    return _authenticators[0] if _authenticators else None


def _flows() -> dict[str, Any]:
    with translation.override("en"):  # the document is written in English
        scopes = {str(s.value): str(s.label) for s in Scope}
    return {
        "clientCredentials": {"tokenUrl": "/oauth/{tenant}/token", "scopes": scopes},
        "authorizationCode": {
            "authorizationUrl": "/oauth/{tenant}/authorize",
            "tokenUrl": "/oauth/{tenant}/token",
            "refreshUrl": "/oauth/{tenant}/token",
            "scopes": scopes,
        },
    }


class PartnerOAuth(AuthBase):
    """An access token from ``/oauth/{tenant}/token`` in ``Authorization: Bearer``."""

    openapi_type = "oauth2"
    openapi_description = (
        "OAuth 2.0 access tokens of partner apps, valid for the tenant in the path. Client "
        "credentials for the app's own calls; authorization code with PKCE (S256) to act "
        "for a consenting citizen. Replace {tenant} in the URLs with the tenant's code."
    )
    openapi_flows = _flows()

    def __init__(self, *scopes: str, citizen: bool | None = None) -> None:
        super().__init__()
        self.scopes = frozenset(scopes)
        self.citizen = citizen

    def __call__(self, request: HttpRequest) -> Delegation | None:
        kind, _sep, raw = request.headers.get("Authorization", "").partition(" ")
        if kind.lower() != "bearer" or not raw.strip():
            return None
        check = _authenticator()
        return check(request, raw.strip(), self.scopes, self.citizen) if check else None


def _public(request: HttpRequest) -> bool:
    """No credentials: the open parts of the API (a token, when sent, is checked first)."""
    return "Authorization" not in request.headers


def partner_route(
    *scopes: str, citizen: bool | None = None, session: bool = False, public: bool = False
) -> dict[str, Any]:
    """``auth`` and ``openapi_extra`` for an operation partners may call."""
    auth: list[Any] = [PartnerOAuth(*scopes, citizen=citizen)]
    security: list[dict[str, list[str]]] = [{SCHEME: sorted(scopes)}]
    if session:
        auth.append(django_auth)
        security.append({"SessionAuth": []})
    if public:
        auth.append(_public)
        security.append({})
    # ninja would add a scope-less requirement per auth class beside these; the API's
    # document puts exactly these in its place (``OnestopAPI.get_openapi_schema``).
    return {"auth": auth, "openapi_extra": {SECURITY_KEY: security}}


def delegation_of(request: HttpRequest) -> Delegation | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, Delegation) else None
