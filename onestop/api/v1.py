"""``/api/v1``: the partner-facing contract.

Errors always have the shape of ``ErrorOut``: a stable code, a message in the request's
language and, for bad input, the field. Nothing below answers with a stack trace.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from onestop.analytics.api import router as analytics_router
from onestop.cases.api import router as cases_router
from onestop.catalogue.api import router as catalogue_router
from onestop.certificates.api import router as certificates_router
from onestop.core.apiauth import SECURITY_KEY
from onestop.core.errors import CoreErrorCode, OnestopError
from onestop.core.responses import database_unavailable
from onestop.identity.api import router as identity_router
from onestop.partners.api import router as partners_router
from onestop.tenancy.api import router as tenancy_router

logger = logging.getLogger(__name__)

API_VERSION = "1.0.0"


class UnicodeJSONRenderer(JSONRenderer):
    """Chinese text as itself, not as \\u escapes: a third smaller and readable in logs."""

    json_dumps_params = {"ensure_ascii": False}


TEXT_RULES = (
    "Text anywhere in a request (path, query, JSON or form body, the Idempotency-Key "
    "header) must be valid Unicode: UTF-8 without NUL characters and without lone "
    "surrogates (`\\ud800` in JSON); anything else answers 422 `invalid_characters` "
    "before the operation runs."
)


class OnestopAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        """``<app>_<operation>``: the contract's names do not follow the module layout, so
        that moving an operation inside its app changes nothing a client generated."""
        app = operation.view_func.__module__.split(".")[1]
        return f"{app}_{operation.view_func.__name__}"

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """ninja's document, with each operation's security exactly as declared (one
        requirement per way in, never a scope-less token) and the answers every operation
        may give: 404 for an unknown tenant or object, 422 for text that is not valid
        Unicode."""
        schema = super().get_openapi_schema(*args, **kwargs)
        ids = [op["operationId"] for ops in schema["paths"].values() for op in ops.values()]
        assert len(ids) == len(set(ids)), "two operations share an operationId"
        error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                if SECURITY_KEY in operation:
                    operation["security"] = operation.pop(SECURITY_KEY)
                answers = operation.setdefault("responses", {})
                answers.setdefault(404, {**error, "description": "Not found (or not yours)"})
                answers.setdefault(
                    422,
                    {**error, "description": "Invalid input, or text that is not valid Unicode"},
                )
        return schema


api = OnestopAPI(
    title="onestop API",
    version=API_VERSION,
    description=(
        "The public and partner API of onestop, a one-stop service platform. "
        "Errors answer with a stable `code`, a `message` in the language of the "
        "request's Accept-Language header (zh-Hans or en), and the offending `field`. " + TEXT_RULES
    ),
    urls_namespace="api-v1",
    renderer=UnicodeJSONRenderer(),
    docs_url="/docs",
)


@api.exception_handler(OnestopError)
def on_onestop_error(request: HttpRequest, exc: OnestopError) -> HttpResponse:
    response = api.create_response(request, exc.as_dict(), status=exc.status)
    for name, value in exc.headers.items():
        response[name] = value
    return response


_PYDANTIC_MESSAGES = {
    "missing": lambda ctx: _("This field is required."),
    "int_parsing": lambda ctx: _("Enter a whole number."),
    "int_type": lambda ctx: _("Enter a whole number."),
    "bool_parsing": lambda ctx: _("Enter true or false."),
    "bool_type": lambda ctx: _("Enter true or false."),
    "greater_than_equal": lambda ctx: _("Enter a number of at least %(limit)s.") % {"limit": ctx.get("ge")},
    "less_than_equal": lambda ctx: _("Enter a number of at most %(limit)s.") % {"limit": ctx.get("le")},
    "string_too_long": lambda ctx: (
        _("Enter at most %(limit)s characters.") % {"limit": ctx.get("max_length")}
    ),
    "json_invalid": lambda ctx: _("The request body is not valid JSON."),
}


def _field_name(location: Any) -> str:
    # ninja locates errors as ("query", "filters", "page") or ("path", "tenant"); partners
    # know the parameter by its last name.
    parts = [str(p) for p in location if p not in {"query", "path", "body", "filters", "payload"}]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        describe = _PYDANTIC_MESSAGES.get(error.get("type", ""), lambda ctx: _("This value is not valid."))
        errors.append(
            {
                "field": _field_name(error.get("loc", ())),
                "message": describe(error.get("ctx") or {}),
            }
        )
    first = errors[0]["field"] if errors else "body"
    body = {
        "code": CoreErrorCode.INVALID_PARAMETER.value,
        "message": _("Invalid value for %(field)s.") % {"field": first},
        "field": first,
        "errors": errors,
    }
    return api.create_response(request, body, status=422)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    body = {"code": CoreErrorCode.NOT_FOUND.value, "message": _("Not found.")}
    return api.create_response(request, body, status=404)


@api.exception_handler(AuthenticationError)
def on_not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {"code": "not_logged_in", "message": _("Log in first.")}
    return api.create_response(request, body, status=401)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja's own refusals (a body it cannot parse) in the request's language too.
    message = _("The request body cannot be read.") if exc.status_code == 400 else str(exc)
    body = {"code": CoreErrorCode.INVALID.value, "message": message}
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def on_database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A database that cannot answer in time: 503, to retry (core.responses' rule)."""
    logger.warning("database unavailable in %s %s: %s", request.method, request.path, exc)
    return database_unavailable(request)


@api.exception_handler(Exception)
def on_unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unhandled error in %s %s", request.method, request.path)
    body = {
        "code": CoreErrorCode.SERVER_ERROR.value,
        "message": _("Something went wrong on our side."),
    }
    return api.create_response(request, body, status=500)


api.add_router("", tenancy_router)
api.add_router("", catalogue_router)
api.add_router("", identity_router)
api.add_router("", cases_router)
api.add_router("", certificates_router)
api.add_router("", partners_router)
api.add_router("", analytics_router)
