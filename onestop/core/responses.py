"""Error answers, the same for every app: a page in the user's language, or under /api/
the API's JSON error (one error format even for paths no endpoint answers). Django's
handlers for 400, 403 (CSRF), 404 and 500 point here."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from onestop.core.errors import CoreErrorCode


def render_error(request: HttpRequest, code: str, message: str, status: int) -> HttpResponse:
    """An error page in the user's language; under /api/ the API's JSON error instead, so
    that partners get one error format even for paths no endpoint answers."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": code, "message": message},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    context = {"code": code, "message": message, "status": status}
    return render(request, "core/error.html", context, status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return render_error(request, CoreErrorCode.NOT_FOUND, _("Not found."), 404)
    return render_error(request, CoreErrorCode.PAGE_NOT_FOUND, _("This page does not exist."), 404)


DATABASE_RETRY_SECONDS = 5


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 to retry, made without the database (the page's usual context needs the
    session and the account, which live there): the API's JSON error, or a plain page."""
    message = _("The service is busy for a moment. Please try again in a few seconds.")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"code": CoreErrorCode.DATABASE_UNAVAILABLE.value, "message": message},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        page = render_to_string("core/unavailable.html", {"message": message, "lang": get_language()})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(DATABASE_RETRY_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler for an uncaught exception, called while it is being handled: a
    database that cannot be reached in time (down, restarting, its pool exhausted, a
    statement past its timeout) is a 503 the client may retry, not a 500."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable(request)
    return render_error(
        request,
        CoreErrorCode.SERVER_ERROR,
        _("Something went wrong on our side. Please try again."),
        500,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render_error(request, CoreErrorCode.INVALID, _("The request could not be understood."), 400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render_error(
        request,
        "csrf_failed",
        _("The form had expired. Please go back, reload and try again."),
        403,
    )
