"""Partners, apps and tokens for tests, made through the actions and the OAuth endpoints
as a real partner would get them; a webhook receiver on 127.0.0.1 (HTTP or HTTPS); and a
name resolver for tests that keeps every lookup and connection on this machine."""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import secrets
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client

from onestop.cases.tests.helpers import OPERATOR
from onestop.core.actors import Actor
from onestop.identity.actions import AccountSpec, do_provision_account
from onestop.identity.models import User
from onestop.partners import actions
from onestop.partners.models import Admission, App, Partner
from onestop.tenancy.models import Tenant

SYSTEM = Actor.system("test")
ALL_SCOPES = [
    "catalogue:read",
    "cases:process",
    "cases:read",
    "cases:write",
    "certificates:revoke",
    "certificates:verify",
    "webhooks:manage",
]
REDIRECT = "http://127.0.0.1:9/callback"
# Valid unified social credit codes (GB 32100 check characters), one per test partner.
CODES = ["91440300MA5F00002D", "91110108MA01000036", "91350211M000100Y46", "91110000600037341L"]


@dataclass
class PartnerApp:
    """A partner app as its developers hold it: ids, secret, and an HTTP client."""

    developer: User
    partner: Partner
    app: App
    secret: str
    http: Client = field(default_factory=Client)

    def token(self, tenant: str = "gd", scope: str = "") -> dict[str, Any]:
        response = self.http.post(
            f"/oauth/{tenant}/token",
            {"grant_type": "client_credentials", "scope": scope},
            headers={"Authorization": basic(self.app.client_id, self.secret)},
        )
        assert response.status_code == 200, response.content
        body: dict[str, Any] = response.json()
        return body

    def call(self, method: str, path: str, token: str, **kwargs: Any):  # type: ignore[no-untyped-def]
        call = getattr(self.http, method)
        return call(f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"}, **kwargs)

    def consent_of(
        self, citizen: Client, tenant: str = "gd", scope: str = "cases:read cases:write"
    ) -> dict[str, Any]:
        """The citizen consents on the authorisation page; the app exchanges the code."""
        verifier = secrets.token_urlsafe(48)
        query = {
            "response_type": "code",
            "client_id": self.app.client_id,
            "redirect_uri": REDIRECT,
            "scope": scope,
            "state": "s-1",
            "code_challenge": challenge(verifier),
            "code_challenge_method": "S256",
        }
        page = citizen.get(f"/oauth/{tenant}/authorize?{urlencode(query)}")
        assert page.status_code == 200, page.content[:500]
        back = citizen.post(f"/oauth/{tenant}/authorize", {**query, "decision": "allow"})
        assert back.status_code == 302 and back["Location"].startswith(REDIRECT), back
        params = parse_qs(urlsplit(back["Location"]).query)
        assert params["state"] == ["s-1"]
        response = self.http.post(
            f"/oauth/{tenant}/token",
            {
                "grant_type": "authorization_code",
                "code": params["code"][0],
                "redirect_uri": REDIRECT,
                "code_verifier": verifier,
                "client_id": self.app.client_id,
                "client_secret": self.secret,
            },
        )
        assert response.status_code == 200, response.content
        body: dict[str, Any] = response.json()
        return body


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def operator() -> User:
    from onestop.messaging.phones import phone_hash

    return User.objects.get(phone_hash=phone_hash(OPERATOR), tenant__code="gd")


def make_partner_app(
    n: int = 0,
    *,
    tenant: str = "gd",
    scopes: list[str] | None = None,
    service_module: bool = False,
    rate_per_minute: int = 600,
) -> PartnerApp:
    """Partner ``n`` (its own developer and credit code), approved in ``tenant`` by the
    tenant's operator, with one app granted ``scopes`` there."""
    scopes = ALL_SCOPES if scopes is None else scopes
    developer = do_provision_account(
        actor=SYSTEM,
        tenant=None,
        spec=AccountSpec(phone=f"1370013710{n}", password="Partner-Test-2019", kind="partner_developer"),
    )
    partner = actions.do_register_partner(
        actor=SYSTEM, user=developer, name=f"测试伙伴{n}", credit_code=CODES[n]
    )
    owner = Tenant.objects.get(code=tenant)
    if owner.kind != "sandbox":
        admission = actions.do_request_admission(actor=SYSTEM, user=developer, partner=partner, tenant=owner)
        actions.do_decide_admission(
            actor=SYSTEM, operator=operator(), admission=admission, state="approved", scopes=ALL_SCOPES
        )
    app, secret = actions.do_create_app(
        actor=SYSTEM,
        user=developer,
        partner=partner,
        name=f"测试应用{n}",
        redirect_uris=[REDIRECT],
        is_service_module=service_module,
    )
    grant = actions.do_grant_app(actor=SYSTEM, user=developer, app=app, tenant=owner, scopes=scopes)
    if rate_per_minute != grant.rate_per_minute:
        actions.do_set_limits(
            actor=SYSTEM,
            operator=operator(),
            grant=grant,
            rate_per_minute=rate_per_minute,
            quota_per_day=grant.quota_per_day,
        )
    return PartnerApp(developer=developer, partner=partner, app=app, secret=secret)


def admission(partner: Partner, tenant: str = "gd") -> Admission:
    return Admission.objects.get(partner=partner, tenant__code=tenant)


class Receiver:
    """An HTTP server on 127.0.0.1 (or another loopback ``address``) that records what is
    posted to it. With ``tls`` (a server context), HTTPS, remembering the server names
    clients asked for (SNI); ``name`` is then the host its URL says."""

    def __init__(
        self,
        status: int = 200,
        delay: float = 0.0,
        *,
        address: str = "127.0.0.1",
        port: int = 0,
        tls: ssl.SSLContext | None = None,
        name: str = "",
        headers: dict[str, str] | None = None,
    ) -> None:
        received: list[dict[str, Any]] = []
        self.received = received
        self.server_names: list[str | None] = []
        self.status, self.delay, self.tls, self.name = status, delay, tls, name or address
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def setup(self) -> None:
                if outer.tls is not None:
                    self.request.do_handshake()
                super().setup()

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                received.append({"path": self.path, "headers": dict(self.headers.items()), "body": body})
                time.sleep(outer.delay)
                self.send_response(outer.status)
                for header, value in (headers or {}).items():
                    self.send_header(header, value)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return

        class Server(ThreadingHTTPServer):
            def get_request(self) -> tuple[socket.socket, Any]:
                sock, client = super().get_request()
                if outer.tls is None:
                    return sock, client
                # The handshake happens in the request's thread (Handler.setup).
                return outer.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), client

            def handle_error(self, request: object, client_address: object) -> None:
                return  # a refused handshake is what some tests expect

        if tls is not None:
            tls.sni_callback = lambda _sock, name, _context: self.server_names.append(name)  # type: ignore[func-returns-value]
        self.server = Server((address, port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.name}:{self.port}/hook"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(r["body"]) for r in self.received]


class Resolver:
    """Name lookups of this process answered from ``answers``: a name's lists of addresses
    in turn, the last one again once the others are used. Addresses and localhost go to the
    system's resolver, any other name is not found: no lookup leaves the machine. And no
    connection does either: one to an address outside loopback fails here (a test of
    where webhooks go must never reach the internet, even when the code is wrong)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.answers: dict[str, list[list[str]]] = {}
        self.asked: list[str] = []
        real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect

        def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
            name = host.decode() if isinstance(host, bytes) else str(host)
            if name not in self.answers:
                if name == "localhost" or _is_address(name):
                    return real_getaddrinfo(host, port, *args, **kwargs)
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            self.asked.append(name)
            turns = self.answers[name]
            found = turns.pop(0) if len(turns) > 1 else turns[0]
            return [
                (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (a, port, 0, 0))
                if ":" in a
                else (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (a, port))
                for a in found
            ]

        def connect(sock: socket.socket, address: Any) -> None:
            host = address[0] if isinstance(address, tuple) else "localhost"
            if host != "localhost" and not (_is_address(host) and ipaddress.ip_address(host).is_loopback):
                raise ConnectionRefusedError(f"test guard: no connection to {host}")
            real_connect(sock, address)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        monkeypatch.setattr(socket.socket, "connect", connect)


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
