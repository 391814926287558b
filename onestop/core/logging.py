"""Log lines: a filter that masks ID numbers and mobile numbers in every one (code never
logs them on purpose; this catches what slips through, a path or an exception message with
user input, so that no log line holds one in full), and the id of the request each
belongs to (``RequestIdMiddleware``, ``RequestIdFilter``).
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

ID_NUMBER = re.compile(r"(?<![0-9])([1-8][0-9]{3})[0-9]{10}([0-9]{3}[0-9Xx])(?![0-9])")
MOBILE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")


def mask_personal_data(text: str) -> str:
    text = ID_NUMBER.sub(lambda m: f"{m.group(1)}**********{m.group(2)}", text)
    return MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


class MaskPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_data(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = mask_personal_data(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


# --- the request a log line belongs to ------------------------------------------------

REQUEST_ID = contextvars.ContextVar("onestop_request_id", default="")
_VALID_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class RequestIdFilter(logging.Filter):
    """Every record carries ``request_id``: the request being served in this thread ("-"
    outside one), so that a request's lines can be found together."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get() or "-"
        return True


class RequestIdMiddleware:
    """The request's id: the proxy's ``X-Request-ID`` when it is a plausible one, else a
    new one; answered in ``X-Request-ID`` and set on every log line written meanwhile."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _VALID_ID.fullmatch(given) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            REQUEST_ID.reset(token)
        response["X-Request-ID"] = request_id
        return response


class Occasional:
    """A warning said at most every ``seconds`` by this process (a dependency that stays
    down would otherwise fill the log with one line per request)."""

    def __init__(self, logger: logging.Logger, seconds: float = 30.0) -> None:
        self.logger, self.seconds, self.said_at = logger, seconds, float("-inf")

    def warning(self, message: str, *args: object) -> None:
        now = time.monotonic()
        if now - self.said_at >= self.seconds:
            self.said_at = now
            self.logger.warning(message, *args)
