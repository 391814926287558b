"""Shapes shared by every module's API: errors and their documented responses."""

from __future__ import annotations

from ninja import Schema


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """Every error answer: a stable ``code`` to match on, a ``message`` in the request's
    language (Accept-Language), and the offending ``field`` where there is one."""

    code: str
    message: str
    field: str | None = None
    errors: list[FieldErrorOut] | None = None


# The error answers every tenant-scoped read can give.
NOT_FOUND_OR_INVALID: dict[int, type[Schema]] = {404: ErrorOut, 422: ErrorOut}

# What an operation that takes partner tokens can answer besides: a token not valid, a
# scope missing, a rate limit reached.
TOKEN_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 429: ErrorOut}
