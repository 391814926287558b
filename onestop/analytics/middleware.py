"""Counting the portal's pages: after a page is served, one view goes to the recorder's
buffer. Pages of the console, the API, files and errors are not counted, and counting
never breaks a page."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.cookie import parse_cookie
from django.utils import timezone

from onestop.analytics.recorder import View, recorder
from onestop.core import databases
from onestop.core.crypto import keyed_hash
from onestop.core.frontcache import MARK, Mark, replay
from onestop.tenancy.routing import tenant_ids

logger = logging.getLogger(__name__)
COOKIE = "onestop_vid"
COUNTED = frozenset(
    {"portal", "catalogue", "identity", "cases", "certificates", "exchange", "notifications", "partners"}
)


class PageViewMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        try:
            self._count(request, response)
        except Exception:
            logger.exception("counting a page view failed")
        return response

    def _count(self, request: HttpRequest, response: HttpResponse) -> None:
        match = getattr(request, "resolver_match", None)
        if (
            request.method != "GET"
            or response.status_code != 200
            or match is None
            or match.namespace not in COUNTED
            or "tenant" not in match.kwargs
            or not response.get("Content-Type", "").startswith("text/html")
        ):
            return
        tenant_id = tenant_ids().get(match.kwargs["tenant"])
        if tenant_id is None:
            return
        subject: dict[str, str] = getattr(request, "page_subject", {})
        seen = _Seen(
            tenant_id=tenant_id,
            database=databases.current(),
            page=f"{match.namespace}:{match.url_name}"[:48],
            item=subject.get("item", "")[:40],
            department=subject.get("department", "")[:40],
        )
        cookie = _count(seen, request.COOKIES.get(COOKIE, ""))
        if cookie is not None:
            response.set_cookie(COOKIE, cookie, secure=settings.SESSION_COOKIE_SECURE, **_COOKIE_OPTIONS)
        mark = request.META.get(MARK)
        if isinstance(mark, Mark):
            mark.replays[REPLAY] = seen  # counted again when the page is answered in front of Django


@dataclass(frozen=True, slots=True)
class _Seen:
    """A page view but for its time and visitor."""

    tenant_id: int
    database: str
    page: str
    item: str
    department: str


_COOKIE_OPTIONS: dict[str, Any] = {"max_age": 365 * 86400, "httponly": True, "samesite": "Lax"}


def _count(seen: _Seen, cookie: str) -> str | None:
    """Record a view by the visitor whose cookie this is; the new cookie to give them when
    they had none (or not one of ours)."""
    given = None
    if not (16 <= len(cookie) <= 64):
        cookie = given = secrets.token_urlsafe(16)
    recorder.record(
        View(
            tenant_id=seen.tenant_id,
            database=seen.database,
            at=timezone.now(),
            page=seen.page,
            item=seen.item,
            department=seen.department,
            visitor=keyed_hash("visitor", cookie)[:16],
        )
    )
    return given


REPLAY = "analytics.page_view"


@replay(REPLAY)
def count_again(environ: dict[str, Any], seen: _Seen, headers: list[tuple[str, str]]) -> None:
    """The view counted for a page answered in front of Django (``core.frontcache``)."""
    try:
        given = _count(seen, parse_cookie(environ.get("HTTP_COOKIE", "")).get(COOKIE, ""))
        if given is not None:  # the cookie as Django's own answer sets it
            carrier = HttpResponse()
            carrier.set_cookie(COOKIE, given, secure=settings.SESSION_COOKIE_SECURE, **_COOKIE_OPTIONS)
            headers.append(("Set-Cookie", carrier.cookies[COOKIE].OutputString()))
    except Exception:
        logger.exception("counting a page view failed")
