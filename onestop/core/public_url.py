"""Where this installation is reached from outside: the scheme and host in links that
leave the page (QR codes, credentials' issuer and status-list ids, OAuth metadata, the
developer guide's examples).

``ONESTOP_PUBLIC_URL`` fixes it when set. Otherwise it is the address the request at hand
came to (its host checked against ``ALLOWED_HOSTS`` by ``request.get_host()``), so that
``PORT=9000 make demo`` links to port 9000; work outside a request (the worker, commands)
uses the address ``onestop serve`` listens on by default (``HOST``/``PORT``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_request: ContextVar[HttpRequest | None] = ContextVar("onestop_public_request", default=None)


def public_base() -> str:
    """``scheme://host[:port]`` with no trailing slash."""
    if configured := str(settings.ONESTOP_PUBLIC_URL or ""):
        return configured.rstrip("/")
    request = _request.get()
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    host = os.environ.get("HOST", "127.0.0.1")
    return f"http://{host}:{os.environ.get('PORT', '8000')}"


class PublicUrlMiddleware:
    """Keeps the request at hand for ``public_base`` (its host is read only if a link is
    made)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
