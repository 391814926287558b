"""The OAuth 2.0 authorization server of each tenant (issuer ``/oauth/<tenant>``).

- ``token``: client credentials, authorization code with PKCE (RFC 7636, S256 only) and
  refresh tokens (rotated; a reused refresh token ends the consent's tokens). Clients
  authenticate with HTTP Basic or ``client_id``/``client_secret`` in the body.
- ``authorize``: the citizen's consent page ("log in with onestop").
- ``revoke``: RFC 7009.
- ``/.well-known/oauth-authorization-server/oauth/<tenant>``: RFC 8414 metadata.

Error answers follow RFC 6749 (``error``, ``error_description``) and also carry the
platform's ``code`` and translated ``message``.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus, urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onestop.core.errors import NotFound, OnestopError
from onestop.core.public_url import public_base
from onestop.core.scopes import CITIZEN_SCOPES, Scope
from onestop.identity.access import actor_for, client_address, current_user
from onestop.identity.kinds import AccountKind
from onestop.partners import access, actions
from onestop.partners.access import access_app_for_authorization, grant_for
from onestop.partners.pkce import CHALLENGE
from onestop.tenancy.access import access_tenant_by_code

if TYPE_CHECKING:
    from onestop.tenancy.models import Tenant


def _error(error: str, description: str, status: int = 400) -> JsonResponse:
    response = JsonResponse(
        {"error": error, "error_description": description, "code": error, "message": description},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "no-store"
    if error == "invalid_client":
        response["WWW-Authenticate"] = 'Basic realm="onestop"'
    return response


def _client(request: HttpRequest) -> tuple[str, str]:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        client_id, _sep, secret = decoded.partition(":")
        return unquote_plus(client_id), unquote_plus(secret)
    return request.POST.get("client_id", ""), request.POST.get("client_secret", "")


@csrf_exempt
@require_POST
def token(request: HttpRequest, tenant: str) -> HttpResponse:
    try:
        owner = access_tenant_by_code(tenant, public_only=False)
    except NotFound:
        return _error("invalid_request", _("No such tenant."), 404)
    app = access.authenticate_client(*_client(request))
    if app is None:
        return _error("invalid_client", _("The client id or secret is wrong."), 401)
    grant = grant_for(app, owner)
    if grant is None:
        return _error("unauthorized_client", _("The app is not enabled in this tenant."))
    grant_type = request.POST.get("grant_type", "")
    actor = access.app_actor(app, client_address(request))
    try:
        if grant_type == "client_credentials":
            scopes = request.POST.get("scope", "").split()
            if not set(scopes) <= set(grant.scopes):
                return _error("invalid_scope", _("The app is not granted these scopes."))
            body = actions.do_issue_client_token(actor=actor, app=app, grant=grant, scopes=scopes)
        elif grant_type == "authorization_code":
            body = actions.do_exchange_code(
                actor=actor,
                app=app,
                code=request.POST.get("code", ""),
                redirect_uri=request.POST.get("redirect_uri", ""),
                code_verifier=request.POST.get("code_verifier", ""),
            )
        elif grant_type == "refresh_token":
            body = actions.do_refresh_tokens(
                actor=actor, app=app, refresh_token=request.POST.get("refresh_token", "")
            )
        else:
            return _error(
                "unsupported_grant_type",
                _("Use client_credentials, authorization_code or refresh_token."),
            )
    except actions.GrantRefused:
        return _error("invalid_grant", _("The code or refresh token is not valid."))
    except OnestopError as error:
        return _error("invalid_request", str(error.message))
    response = JsonResponse(body)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_POST
def revoke(request: HttpRequest, tenant: str) -> HttpResponse:
    app = access.authenticate_client(*_client(request))
    if app is None:
        return _error("invalid_client", _("The client id or secret is wrong."), 401)
    actions.do_revoke_token(
        actor=access.app_actor(app, client_address(request)),
        app=app,
        token=request.POST.get("token", ""),
    )
    return HttpResponse(status=200)


@require_GET
def metadata(request: HttpRequest, tenant: str) -> JsonResponse:
    owner = access_tenant_by_code(tenant, public_only=False)
    base = public_base()
    return JsonResponse(
        {
            "issuer": f"{base}/oauth/{owner.code}",
            "authorization_endpoint": base + reverse("partners:authorize", args=[owner.code]),
            "token_endpoint": base + reverse("partners:token", args=[owner.code]),
            "revocation_endpoint": base + reverse("partners:revoke", args=[owner.code]),
            "scopes_supported": [s.value for s in Scope],
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "service_documentation": base + "/developers/docs/",
        }
    )


def _back(redirect_uri: str, **params: str) -> HttpResponseRedirect:
    joiner = "&" if "?" in redirect_uri else "?"
    return HttpResponseRedirect(redirect_uri + joiner + urlencode({k: v for k, v in params.items() if v}))


@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest, tenant: str) -> HttpResponse:
    owner = access_tenant_by_code(tenant)
    params = request.POST if request.method == "POST" else request.GET
    client_id, redirect_uri = params.get("client_id", ""), params.get("redirect_uri", "")
    try:
        app, grant = access_app_for_authorization(owner, client_id)
    except NotFound:
        return _refusal(request, owner, _("This app is unknown here."))
    if redirect_uri not in app.redirect_uris:
        # Never redirect to an address the app did not register.
        return _refusal(request, owner, _("The app sent an address it did not register."))
    state = params.get("state", "")
    if params.get("response_type") != "code":
        return _back(redirect_uri, error="unsupported_response_type", state=state)
    challenge = params.get("code_challenge", "")
    if params.get("code_challenge_method") != "S256" or not CHALLENGE.match(challenge):
        return _back(
            redirect_uri,
            error="invalid_request",
            error_description="PKCE with code_challenge_method=S256 is required",
            state=state,
        )
    scopes = sorted(set(params.get("scope", "").split()))
    if not scopes or not set(scopes) <= (set(grant.scopes) & CITIZEN_SCOPES):
        return _back(redirect_uri, error="invalid_scope", state=state)
    user = current_user(request, owner)
    if user is None or user.kind != AccountKind.CITIZEN:
        login = reverse("identity:login", args=[owner.code])
        return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
    if request.method == "POST":
        if request.POST.get("decision") != "allow":
            return _back(redirect_uri, error="access_denied", state=state)
        code = actions.do_authorize(
            actor=actor_for(user, request),
            user=user,
            app=app,
            grant=grant,
            scopes=scopes,
            redirect_uri=redirect_uri,
            code_challenge=challenge,
        )
        return _back(redirect_uri, code=code, state=state)
    labels = dict(Scope.choices)
    context: dict[str, Any] = {
        "tenant": owner,
        "app": app,
        "scopes": [(s, labels[s]) for s in scopes],
        "params": {
            k: params.get(k, "")
            for k in (
                "response_type",
                "client_id",
                "redirect_uri",
                "scope",
                "state",
                "code_challenge",
                "code_challenge_method",
            )
        },
    }
    return render(request, "partners/authorize.html", context)


def _refusal(request: HttpRequest, tenant: Tenant, message: str) -> HttpResponse:
    return render(
        request,
        "partners/authorize_refused.html",
        {"tenant": tenant, "message": message},
        status=400,
    )
