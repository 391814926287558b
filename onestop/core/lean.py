"""The lean path: a request that carries no session, to a route that keeps no state (the
health checks, certificate verification, the public catalogue's API, status lists,
issuer keys, the public figures),
goes through only the middleware such a request needs (``ONESTOP_LEAN_MIDDLEWARE``):
no session, account, CSRF, messages, page counting or static files, which would each
look and find nothing to do.

The apps declare their stateless routes in ``ready()`` with ``stateless(pattern)``; a
route belongs here only if none of its answers depends on a session or an account (its
API operations take a partner's token or nothing, never the session). A request that
does carry a session cookie takes the whole stack, so nothing a signed-in visitor gets
changes. The answer is the same either way, headers included (``Vary: Cookie`` too,
which the whole stack sends because its language may come from a cookie); only what it
costs differs."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

_patterns: list[str] = []
_loading = threading.Lock()


def stateless(pattern: str) -> None:
    """Declares the paths ``pattern`` (a regular expression matched against the whole
    path) as stateless routes."""
    re.compile(pattern)
    if pattern not in _patterns:
        _patterns.append(pattern)


def stateless_routes() -> tuple[str, ...]:
    return tuple(_patterns)


def _lean_handler() -> BaseHandler:
    """A handler whose chain is ``ONESTOP_LEAN_MIDDLEWARE``. Django builds a chain from
    ``settings.MIDDLEWARE`` only, so that setting names the lean list while it loads: a
    served process does this once, while its WSGI application loads and before it
    serves; the lock keeps two lean chains from being built at once (in tests, clients
    are made one after another)."""
    handler = BaseHandler()
    with _loading:
        whole = settings.MIDDLEWARE
        settings.MIDDLEWARE = list(settings.ONESTOP_LEAN_MIDDLEWARE)
        try:
            handler.load_middleware()
        finally:
            settings.MIDDLEWARE = whole
    return handler


class LeanPathMiddleware:
    """Hands a stateless request to the lean chain, and every other one on down the whole
    stack. It sits below the middleware every answer needs (request id, metrics, the
    security policy), which therefore wrap both."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.routes = re.compile("|".join(f"(?:{p})" for p in _patterns)) if _patterns else None
        self.lean = _lean_handler()
        self.session_cookie = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            self.routes is not None
            and self.routes.fullmatch(request.path_info)
            and self.session_cookie not in request.COOKIES
        ):
            response = self.lean.get_response(request)
            patch_vary_headers(response, ("Cookie",))
            return response  # type: ignore[return-value]
        return self.get_response(request)
