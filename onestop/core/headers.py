"""Response headers every page needs: the Content-Security-Policy, ``Cache-Control`` on
personal pages, and compression of the public ones."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.gzip import GZipMiddleware

PRIVATE = "private, no-store"
# Staff pages answer staff only: every one is personal, logged in or on its way to the login.
STAFF_PATHS = ("/console/", "/platform/")

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def content_security_policy(**extra: str) -> str:
    """``ONESTOP_CONTENT_SECURITY_POLICY`` as a header value, with ``extra`` directives
    (``style_src_attr="'unsafe-inline'"`` for ``style-src-attr``) added or replaced."""
    directives = dict(settings.ONESTOP_CONTENT_SECURITY_POLICY)
    directives.update({name.replace("_", "-"): value for name, value in extra.items()})
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def allow_style_attributes(view: View) -> View:
    """The page's policy also allows style attributes: ECharts draws its SVG and writes its
    tooltips with them. Only pages that draw charts get it."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(*args, **kwargs)
        response["Content-Security-Policy"] = content_security_policy(style_src_attr="'unsafe-inline'")
        return response

    return wrapper  # type: ignore[return-value]


class ContentSecurityPolicyMiddleware:
    """Sends ``ONESTOP_CONTENT_SECURITY_POLICY`` with every response, unless the view sent a
    policy of its own. First of the middleware, it also reaches static files (WhiteNoise),
    redirects to HTTPS and answers for unknown tenants."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class PrivatePagesMiddleware:
    """``Cache-Control: private, no-store`` on every response to a logged-in account and on
    every staff page, unless the view said otherwise: no shared cache keeps them, and the
    browser keeps no copy that Back would show on a shared phone after logout."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        personal = request.user.is_authenticated or request.path.startswith(STAFF_PATHS)
        if personal and not response.has_header("Cache-Control"):
            response["Cache-Control"] = PRIVATE
        return response


class PublicGZipMiddleware(GZipMiddleware):
    """Compresses public pages only: GET and HEAD from a visitor who carries no state of
    their own (no session, no pending message, no Authorization header), answered without
    ``private`` or ``no-store``.

    BREACH recovers a secret from the compressed length of pages that also reflect the
    attacker's input. Pages for a logged-in account, with a session (a registration under
    way) or a message (the sandbox shows SMS codes that way), and every POST answer carry
    personal data or one-time codes: they are never compressed. The public pages that are
    compressed reflect the search words and carry no secret (the language switch needs no
    CSRF token, ``core.language``); a CSRF token in another page would be masked anew in
    every response, and GZipMiddleware also pads the gzip header with random bytes."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not public_answer(request, response):
            return response
        return super().process_response(request, response)


def public_answer(request: HttpRequest, response: HttpResponseBase) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES:
        return False
    cache_control = response.get("Cache-Control", "")
    return "private" not in cache_control and "no-store" not in cache_control
