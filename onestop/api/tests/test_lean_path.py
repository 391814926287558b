"""The lean path (``core.lean``): stateless requests skip the session, account, CSRF and
message middleware, and answer exactly as the whole stack does; a request with a
session, or to any other route, takes the whole stack."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from ninja.security import SessionAuth

from onestop.api.v1 import api
from onestop.certificates.access import credential_of, wallet_of
from onestop.core.lean import stateless_routes
from onestop.identity.models import User
from onestop.tenancy.access import access_tenant_by_code

pytestmark = pytest.mark.django_db
HEADERS = ("Content-Type", "Content-Language", "Content-Security-Policy", "X-Frame-Options", "Vary")


def _credential() -> dict[str, Any]:
    holder = User.objects.get(phone_masked="138****8000")
    certificate = wallet_of(access_tenant_by_code("gd"), holder).get(certificate_type__code="id_card")
    return credential_of(certificate)


def _requests() -> list[tuple[str, str, dict[str, Any]]]:
    credential = _credential()
    status = credential["credentialStatus"]["statusListCredential"].removeprefix("http://testserver")
    issuer = credential["issuer"]["id"].removeprefix("http://testserver")
    body = json.dumps(credential, ensure_ascii=False)
    return [
        ("get", "/healthz", {}),
        ("get", "/readyz", {}),
        ("post", "/api/v1/certificates/verify", {"data": body, "content_type": "application/json"}),
        ("post", "/api/v1/certificates/verify", {"data": "{", "content_type": "application/json"}),
        ("get", status, {}),
        ("get", issuer, {}),
        ("get", "/api/v1/tenants/gd/services", {"data": {"q": "护照"}}),
        ("get", "/api/v1/tenants/gd/services", {"data": {"page_size": "-1"}}),
        ("get", "/api/v1/tenants/gd/services/nonesuch", {}),
        ("get", "/api/v1/tenants/nonesuch/services", {}),
        ("get", "/api/v1/tenants/gd/themes", {}),
        ("get", "/api/v1/tenants/gd/kpis", {}),
    ]


def test_stateless_requests_take_the_lean_path_and_answer_as_the_whole_stack(citizen: Client) -> None:
    requests = _requests()
    for language in ("en", "zh-CN"):
        anonymous = Client(headers={"accept-language": language})
        signed_in = citizen  # carries a session cookie: the whole stack
        signed_in.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        for method, path, options in requests:
            lean = getattr(anonymous, method)(path, **options)
            whole = getattr(signed_in, method)(path, **options)
            assert getattr(lean.wsgi_request, "lean", False), path
            assert not getattr(whole.wsgi_request, "lean", False), path
            assert lean.status_code == whole.status_code, (path, lean.content[:300])
            if not path.endswith(("/kpis", "/readyz")):  # figures and timings of the moment
                assert lean.content == whole.content, path
            for header in HEADERS:
                if header == "Vary":  # the session adds Cookie to what the whole stack varies on
                    continue
                assert lean.get(header) == whole.get(header), (path, header)
            assert "Set-Cookie" not in lean.headers and "sessionid" not in lean.cookies, path


def test_other_requests_take_the_whole_stack(client: Client) -> None:
    for path in ("/gd/", "/api/v1/tenants/gd/applications", "/api/v1/tenants/gd/services/", "/healthz/x"):
        response = client.get(path)
        assert not getattr(response.wsgi_request, "lean", False), path


def test_the_lean_path_still_refuses_bad_text_and_bad_hosts(client: Client) -> None:
    bad = client.get("/api/v1/tenants/gd/services", QUERY_STRING="q=%00")
    assert bad.wsgi_request.lean and bad.status_code == 422
    assert bad.json()["code"] == "invalid_characters"
    host = client.get("/api/v1/tenants/gd/services", headers={"host": "evil.example"})
    assert host.wsgi_request.lean and host.status_code == 400


def test_every_stateless_api_route_takes_a_token_or_nothing_never_the_session() -> None:
    """A route may be declared stateless only if none of its operations reads the
    session: each API operation whose path a declared pattern matches has no session
    authentication; and every declared pattern matches some route."""
    routes = re.compile("|".join(f"(?:{p})" for p in stateless_routes()))
    matched: set[str] = set()
    for path, view in _operations():
        sample = "/api/v1" + re.sub(r"\{[^}]+\}", "x", path)
        if not routes.fullmatch(sample):
            continue
        for operation in view.operations:
            assert not any(isinstance(auth, SessionAuth) for auth in operation.auth_callbacks), sample
            matched.add(sample)
    assert {
        "/api/v1/certificates/verify",
        "/api/v1/tenants/x/services",
        "/api/v1/tenants/x/services/x",
        "/api/v1/tenants/x/themes",
        "/api/v1/tenants/x/kpis",
    } <= matched


def _operations() -> list[tuple[str, Any]]:
    found = []
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            found.append(((prefix.rstrip("/") + "/" + path.lstrip("/")).replace("//", "/"), view))
    return found
