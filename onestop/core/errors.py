"""Errors with stable codes.

Each business app lists its codes in ``error_codes.py`` as a ``StrEnum``; a code never
changes meaning once released (partners match on it). The message is for people and is
translated into the language of the request.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.functional import Promise


class CoreErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    INVALID = "invalid"
    INVALID_PARAMETER = "invalid_parameter"
    PAGE_NOT_FOUND = "page_not_found"
    SERVER_ERROR = "server_error"
    DATABASE_UNAVAILABLE = "database_unavailable"
    CROSS_SITE = "cross_site"
    LANGUAGE_UNKNOWN = "language_unknown"
    AUDIT_CHAIN_NOT_FOUND = "audit_chain_not_found"
    AUDIT_PROOF_NOT_YET_PUBLISHED = "audit_proof_not_yet_published"
    AUDIT_PROOF_UNAVAILABLE = "audit_proof_unavailable"


class OnestopError(Exception):
    """A failure the caller can act on, with a stable code and a translated message."""

    status = 400

    def __init__(
        self,
        code: StrEnum,
        message: str | Promise,
        *,
        field: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(str(code))
        self.code = code
        self.message = message
        self.field = field
        self.params = params or {}
        self.headers: dict[str, str] = {}

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": str(self.code), "message": str(self.message)}
        if self.field:
            body["field"] = self.field
        return body


class NotFound(OnestopError):
    """The object does not exist, or exists for another tenant: the two look the same."""

    status = 404


class ValidationFailed(OnestopError):
    """Input that breaks a rule of the domain; ``field`` names the offending input."""

    status = 422


class NotAuthenticated(OnestopError):
    """No credentials, or credentials that are not (or no longer) valid."""

    status = 401


class Conflict(OnestopError):
    """The request does not fit the object's present state."""

    status = 409


class Forbidden(OnestopError):
    """Valid credentials that do not allow this."""

    status = 403


class TooManyRequests(OnestopError):
    """Over a rate limit or quota; ``Retry-After`` says when to come back."""

    status = 429

    def __init__(self, code: StrEnum, message: str | Promise, *, retry_after: int) -> None:
        super().__init__(code, message)
        self.retry_after = max(1, retry_after)
        self.headers = {"Retry-After": str(self.retry_after)}


class Unavailable(OnestopError):
    """For a moment only (maintenance, a tenant being moved); ``Retry-After`` says when to
    come back."""

    status = 503

    def __init__(self, code: StrEnum, message: str | Promise, *, retry_after: int) -> None:
        super().__init__(code, message)
        self.headers = {"Retry-After": str(max(1, retry_after))}
