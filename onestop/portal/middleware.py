"""Turns domain errors raised in portal pages into translated error pages."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from onestop.core.errors import OnestopError
from onestop.portal.views import render_error


class OnestopErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OnestopError):
            response = render_error(
                request, str(exception.code), str(exception.message), exception.status
            )
            for header, value in exception.headers.items():  # Retry-After, WWW-Authenticate
                response[header] = value
            return response
        return None


class RejectNulMiddleware:
    """NUL characters in a path, a query or a form or JSON body are refused up front with
    a clear 422: no text column (PostgreSQL's least of all) can hold one, and no honest
    client sends one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            message = _("The request contains characters that are not allowed.")
            if request.path.startswith("/oauth/") and not request.path.endswith("/authorize"):
                # The token and revocation endpoints answer in RFC 6749's terms.
                body = {"error": "invalid_request", "error_description": message, "code": "invalid_characters",
                        "message": message}  # fmt: skip
                return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
            return render_error(request, "invalid_characters", message, 422)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if (
            "\x00" in request.path
            or "\x00" in request.META.get("QUERY_STRING", "")
            or any(
                "\x00" in key or "\x00" in value
                for key, values in request.GET.lists()
                for value in values
            )
        ):
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("application/json"):
            body = request.body
            return b"\x00" in body or b"\\u0000" in body
        # Multipart bodies are left to the views: reading them here would spend the stream
        # (their text fields go through forms, which refuse NUL characters themselves).
        if content_type.startswith("application/x-www-form-urlencoded"):
            return any(
                "\x00" in key or "\x00" in value
                for key, values in request.POST.lists()
                for value in values
            )
        return False
