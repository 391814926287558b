"""Counting the portal's pages: after a page is served, one view goes to the recorder's
buffer. Pages of the console, the API, files and errors are not counted, and counting
never breaks a page."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from onestop.analytics.recorder import View, recorder
from onestop.core import databases
from onestop.core.crypto import keyed_hash
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
        cookie = request.COOKIES.get(COOKIE, "")
        if not (16 <= len(cookie) <= 64):
            cookie = secrets.token_urlsafe(16)
            response.set_cookie(
                COOKIE,
                cookie,
                max_age=365 * 86400,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        subject: dict[str, str] = getattr(request, "page_subject", {})
        recorder.record(
            View(
                tenant_id=tenant_id,
                database=databases.current(),
                at=timezone.now(),
                page=f"{match.namespace}:{match.url_name}"[:48],
                item=subject.get("item", "")[:40],
                department=subject.get("department", "")[:40],
                visitor=keyed_hash("visitor", cookie)[:16],
            )
        )
