"""Each request runs on the database its tenant lives on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from onestop.tenancy.routing import enter_tenant_database


class TenantDatabaseMiddleware:
    """Routes a request whose URL names a tenant (``<tenant>`` in its pattern) to that
    tenant's database, for everything the request does: its session, its account, its
    reads and writes. It comes first, so that the database stays chosen until the last
    middleware has finished with the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            leave = getattr(request, "_onestop_leave_database", None)
            if leave is not None:
                leave()

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: dict[str, Any]) -> None:
        code = kwargs.get("tenant")
        if isinstance(code, str):
            request._onestop_leave_database = enter_tenant_database(code)  # type: ignore[attr-defined]
