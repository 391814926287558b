"""Turns domain errors raised in portal pages into translated error pages."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from onestop.core.errors import OnestopError
from onestop.portal.views import render_error


class OnestopErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OnestopError):
            return render_error(
                request, str(exception.code), str(exception.message), exception.status
            )
        return None
