"""The lean path (``core.lean``): stateless requests skip the session, account, CSRF and
message middleware, and answer exactly as the whole stack does; a request with a
session, or to any other route, takes the whole stack."""

from __future__ import annotations

import gzip
import json
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import resolve
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


def _lean(response: Any) -> bool:
    """Whether the request went down the lean chain: no session middleware saw it."""
    return not hasattr(response.wsgi_request, "session")


def _words(value: str | None) -> list[str]:
    """A header's comma-separated values, in any order (``Vary`` is a set)."""
    return sorted(part.strip() for part in (value or "").split(","))


def _body(response: Any) -> bytes:
    """The body as sent before compression (GZipMiddleware pads each gzip header anew)."""
    if response.get("Content-Encoding") == "gzip":
        return gzip.decompress(response.content)
    return bytes(response.content)


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
        ("get", "/issuers/gd/nonesuch", {}),
        ("get", "/status-lists/gd/999999", {}),
    ]


def test_stateless_requests_take_the_lean_path_and_answer_as_the_whole_stack(citizen: Client) -> None:
    requests = _requests()
    without = [name for name in settings.MIDDLEWARE if name != "onestop.core.lean.LeanPathMiddleware"]
    for language in ("en", "zh-CN"):
        headers = {"accept-language": language, "accept-encoding": "gzip"}
        anonymous = Client(headers=headers)
        with override_settings(MIDDLEWARE=without):  # the whole stack, for the same reader
            stacked = Client(headers=headers)
            stacked.get("/healthz")  # loads its chain now
        for method, path, options in requests:
            lean = getattr(anonymous, method)(path, **options)
            whole = getattr(stacked, method)(path, **options)
            assert _lean(lean), path
            assert not _lean(whole), path
            signed_in = getattr(citizen, method)(path, **options)  # a session: the whole stack
            assert not _lean(signed_in), path
            assert lean.status_code == whole.status_code, (path, lean.content[:300])
            if not path.endswith(("/kpis", "/readyz")):  # figures and timings of the moment
                assert _body(lean) == _body(whole), path
            for header in HEADERS:
                assert _words(lean.get(header)) == _words(whole.get(header)), (path, header)
            assert not lean.cookies, path


def test_other_requests_take_the_whole_stack(client: Client) -> None:
    for path in ("/gd/", "/api/v1/tenants/gd/applications", "/api/v1/tenants/gd/services/", "/healthz/x"):
        response = client.get(path)
        assert not _lean(response), path


def test_the_lean_path_still_refuses_bad_text_and_bad_hosts(client: Client) -> None:
    bad = client.get("/api/v1/tenants/gd/services", QUERY_STRING="q=%00")
    assert _lean(bad) and bad.status_code == 422
    assert bad.json()["code"] == "invalid_characters"
    host = client.get("/api/v1/tenants/gd/services", headers={"host": "evil.example"})
    assert _lean(host) and host.status_code == 400


def test_every_stateless_api_route_takes_a_token_or_nothing_never_the_session() -> None:
    """A route may be declared stateless only if none of its operations reads the
    session: each API operation whose path a declared pattern matches has no session
    authentication."""
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


def test_every_declared_pattern_names_routes_that_exist() -> None:
    samples = {
        "/healthz": "healthz",
        "/readyz": "readyz",
        "/issuers/gd/x": "certificates:issuer",
        "/status-lists/gd/1": "certificates:status_list",
    }
    routes = re.compile("|".join(f"(?:{p})" for p in stateless_routes()))
    for path, name in samples.items():
        assert routes.fullmatch(path), path
        assert resolve(path).view_name == name, path


def test_the_lean_chain_is_the_whole_chain_less_what_a_stateless_request_never_uses() -> None:
    """A middleware added to the stack later reaches the lean path too unless it is named
    here as one a stateless request does not need."""
    skipped = {
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "onestop.core.headers.PrivatePagesMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "onestop.analytics.middleware.PageViewMiddleware",
    }
    whole = list(settings.MIDDLEWARE)
    below = whole[whole.index("onestop.core.lean.LeanPathMiddleware") + 1 :]
    assert [name for name in below if name not in skipped] == settings.ONESTOP_LEAN_MIDDLEWARE


def test_a_kept_page_of_search_results_is_what_the_api_renders(client: Client) -> None:
    """The search API keeps the JSON it answers; those bytes are the ones the API's own
    renderer writes for the documented schema."""
    from django.core.cache import cache

    from onestop.catalogue.api import ServicePageOut

    for asked in ({"q": "护照"}, {"q": "sb", "page": "2"}, {"zero_trip": "true", "page_size": "3"}):
        cache.clear()
        answer = client.get("/api/v1/tenants/gd/services", asked)
        kept = client.get("/api/v1/tenants/gd/services", asked)
        page = ServicePageOut.model_validate(answer.json())
        rendered = api.renderer.render(answer.wsgi_request, page.model_dump(), response_status=200)
        assert answer.content == kept.content == rendered.encode(), asked
        assert answer["Content-Type"] == "application/json; charset=utf-8"
