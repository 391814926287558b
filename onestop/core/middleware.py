"""The edge of every request: text no database can hold refused before any view, and
domain errors raised in pages turned into translated error pages."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from onestop.core.errors import OnestopError
from onestop.core.responses import render_error


class OnestopErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OnestopError):
            response = render_error(request, str(exception.code), str(exception.message), exception.status)
            for header, value in exception.headers.items():  # Retry-After, WWW-Authenticate
                response[header] = value
            return response
        return None


class RejectInvalidTextMiddleware:
    """Text that no database can hold is refused at the edge, in one place, with a clear
    422 ``invalid_characters``: NUL characters, lone UTF-16 surrogates (``"\\ud800"`` in
    JSON) and bytes that are not UTF-8, in the path, the query string, form and JSON
    bodies and the headers the platform keeps as data. No action ever sees such text, so
    none can fail half-way on it (SQLite and PostgreSQL refuse to store it, and the audit
    entry's canonical form cannot encode it)."""

    # Headers whose values are stored (printable ASCII, as RFC 8941 strings are).
    DATA_HEADERS = ("HTTP_IDEMPOTENCY_KEY",)

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self._is_valid(request):
            message = _("The request contains characters that are not allowed.")
            if request.path.startswith("/oauth/") and not request.path.endswith("/authorize"):
                # The token and revocation endpoints answer in RFC 6749's terms.
                body = {
                    "error": "invalid_request",
                    "error_description": message,
                    "code": "invalid_characters",
                    "message": message,
                }
                return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
            return render_error(request, "invalid_characters", message, 422)
        return self.get_response(request)

    @classmethod
    def _is_valid(cls, request: HttpRequest) -> bool:
        # WSGI hands the path and the query over as bytes decoded as Latin-1.
        path = request.META.get("PATH_INFO", "").encode("latin-1", "replace")
        if not _utf8_text(path) or not _form_encoded_text(
            request.META.get("QUERY_STRING", "").encode("latin-1", "replace")
        ):
            return False
        for header in cls.DATA_HEADERS:
            value = request.META.get(header, "")
            if any(not (" " <= ch <= "~") for ch in value):
                return False
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("application/json"):
            return _json_text(request.body)
        if content_type.startswith("application/x-www-form-urlencoded"):
            return _form_encoded_text(request.body)
        # Multipart bodies are left to the views: reading them here would spend the stream
        # (Django decodes their fields, replacing bad bytes; forms refuse NUL characters).
        return True


def _utf8_text(raw: bytes) -> bool:
    """Valid UTF-8 (which excludes encoded surrogates) without NUL characters."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in raw


def _form_encoded_text(raw: bytes) -> bool:
    """Every key and value of an application/x-www-form-urlencoded string is valid text
    once its percent escapes are undone."""
    if b"%" not in raw:
        return _utf8_text(raw)
    return all(_utf8_text(unquote_to_bytes(part.replace(b"+", b" "))) for part in raw.split(b"&"))


def _json_text(raw: bytes) -> bool:
    """UTF-8, and no string in the document holds a NUL or a lone surrogate (JSON's
    ``\\u`` escapes can spell both). A body that is no JSON is the view's to refuse."""
    if not _utf8_text(raw):
        return False
    if b"\\u" not in raw:
        return True
    try:
        document = json.loads(raw)
    except ValueError:
        return True
    return _valid_strings(document)


def _valid_strings(value: object) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")  # refuses surrogates
        except UnicodeEncodeError:
            return False
        return "\x00" not in value
    if isinstance(value, dict):
        return all(_valid_strings(k) and _valid_strings(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_valid_strings(v) for v in value)
    return True
