"""Kept public pages answered in front of Django.

A page kept for every signed-out reader (``core.pagecache``: no token in it, nothing of
the reader's) is the same bytes for every request that asks for it the same way. Once
Django has answered such a request, the answer (status, headers, body) is kept in the
process's memory under everything of the request that could change it: the address,
the host and scheme, the language cookie and ``Accept-Language``, whether the reader
takes gzip, and ``HX-Request``. A request asked the same way, with no cookie but the
language, visitor and CSRF ones, is answered from there without Django's handler, its
middleware or the URL resolver, as long as every generation the page was kept under
(``core.generations``: the catalogue's, say) still has the number it had, and for no
longer than the kept page itself lives (``pagecache.SHARED_SECONDS``). A move of a
generation is seen here exactly when the page cache sees it.

What each answer still does per request is done here too: its own ``X-Request-ID``, the
request counted in the metrics under the route Django matched, and the replays that the
apps registered for the page (``replay``: analytics counts the page view and gives a new
visitor their cookie). Anything else falls through to Django: other methods, a session
or messages cookie, an address never answered, a changed generation.

The memory is bounded (``ONESTOP_FRONT_CACHE_BYTES``, least recently used out first);
0 turns it off.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http.cookie import parse_cookie

from onestop.core.metrics import LATENCY, REQUESTS

MARK = "onestop.front"  # the environ key a kept page sets for the answer to be kept here
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")
_VALID_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
_VALID_CSRF = re.compile(r"[A-Za-z0-9]{32}|[A-Za-z0-9]{64}")  # what Django keeps as it is
_MAX_KEY = 1024  # longer headers or queries are answered by Django, not kept here
# Cookies that change nothing of a signed-out page without a token: the language (part of
# the key), the visitor's id (analytics) and a CSRF cookie (no form in such a page).
_HARMLESS_COOKIES = frozenset({"onestop_vid", "csrftoken"})
_PER_REQUEST_HEADERS = frozenset({"set-cookie", "x-request-id"})

Replay = Callable[[dict[str, Any], Any, list[tuple[str, str]]], None]
_replays: dict[str, Replay] = {}


def replay(name: str) -> Callable[[Replay], Replay]:
    """Register what an app does again for every answer from here (``fn(environ, data,
    headers)``, ``data`` as the app put it in the mark when Django answered)."""

    def register(fn: Replay) -> Replay:
        _replays[name] = fn
        return fn

    return register


@dataclass
class Mark:
    """What a kept page tells this cache while Django answers it."""

    validators: dict[str, Any]  # generation key: its number when the page was kept
    until: float  # when the kept page expires (``time.time()``): the answer lives no longer
    route: str = ""
    replays: dict[str, Any] = field(default_factory=dict)


_reading: ContextVar[dict[str, Any] | None] = ContextVar("onestop_generations_read", default=None)


@contextmanager
def reading_generations() -> Iterator[dict[str, Any]]:
    """Collect the generations read in the block (``generations.current`` reports them)."""
    read: dict[str, Any] = {}
    token = _reading.set(read)
    try:
        yield read
    finally:
        _reading.reset(token)


def generation_read(key: str, value: Any) -> None:
    read = _reading.get()
    if read is not None:
        read[key] = value


@dataclass(frozen=True, slots=True)
class _Answer:
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    validators: dict[str, Any]
    route: str
    replays: dict[str, Any]
    until: float  # time.time()
    key_size: int


class FrontCache:
    """The WSGI application in front of Django's."""

    def __init__(self, application: Callable[..., Iterable[bytes]], capacity: int | None = None) -> None:
        self.application = application
        self.capacity = settings.ONESTOP_FRONT_CACHE_BYTES if capacity is None else capacity
        self._answers: OrderedDict[tuple[str, ...], _Answer] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        key = self._key(environ) if self.capacity > 0 else None
        if key is None:
            return self.application(environ, start_response)
        started = time.perf_counter()
        answer = self._find(key)
        if answer is not None:
            return self._answer(answer, environ, start_response, started)
        seen: dict[str, Any] = {}

        def remember(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, *args)

        result = self.application(environ, remember)
        mark = environ.get(MARK)
        if not isinstance(mark, Mark) or not seen.get("status", "").startswith("200"):
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        self._keep(key, seen["status"], seen["headers"], body, mark)
        return [body]

    def _key(self, environ: dict[str, Any]) -> tuple[str, ...] | None:
        if environ.get("REQUEST_METHOD") != "GET" or "HTTP_AUTHORIZATION" in environ:
            return None
        cookie_header = environ.get("HTTP_COOKIE", "")
        language = ""
        if cookie_header:
            cookies = parse_cookie(cookie_header)  # as Django reads them
            language_cookie = settings.LANGUAGE_COOKIE_NAME
            if any(name not in _HARMLESS_COOKIES and name != language_cookie for name in cookies):
                return None
            if "csrftoken" in cookies and not _VALID_CSRF.fullmatch(cookies["csrftoken"]):
                return None  # Django would answer with a new one
            language = cookies.get(language_cookie, "")
        key = (
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            environ.get("HTTP_HOST", ""),
            environ.get("wsgi.url_scheme", ""),
            environ.get("HTTP_X_FORWARDED_PROTO", ""),
            language,
            environ.get("HTTP_ACCEPT_LANGUAGE", ""),
            "gzip" if _ACCEPTS_GZIP.search(environ.get("HTTP_ACCEPT_ENCODING", "")) else "",
            environ.get("HTTP_HX_REQUEST", ""),
        )
        return key if sum(len(part) for part in key) <= _MAX_KEY else None

    def _find(self, key: tuple[str, ...]) -> _Answer | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is None:
                return None
            self._answers.move_to_end(key)
        if time.time() >= answer.until or (
            answer.validators and cache.get_many(list(answer.validators)) != answer.validators
        ):
            self._drop(key)
            return None
        return answer

    def _keep(
        self, key: tuple[str, ...], status: str, headers: list[tuple[str, str]], body: bytes, mark: Mark
    ) -> None:
        if any(name.lower() == "set-cookie" and not _visitor_cookie(value) for name, value in headers):
            return  # a cookie of the reader's own: this answer is theirs alone
        if not mark.validators:
            return  # kept under nothing that says when it changes
        kept = tuple((name, value) for name, value in headers if name.lower() not in _PER_REQUEST_HEADERS)
        answer = _Answer(
            status,
            kept,
            body,
            dict(mark.validators),
            mark.route,
            dict(mark.replays),
            mark.until,
            sum(len(part) for part in key),
        )
        size = _size(answer)
        if size > self.capacity:
            return
        with self._lock:
            old = self._answers.pop(key, None)
            if old is not None:
                self._size -= _size(old)
            self._answers[key] = answer
            self._size += size
            while self._size > self.capacity:
                _, dropped = self._answers.popitem(last=False)
                self._size -= _size(dropped)

    def _drop(self, key: tuple[str, ...]) -> None:
        with self._lock:
            old = self._answers.pop(key, None)
            if old is not None:
                self._size -= _size(old)

    def _answer(
        self, answer: _Answer, environ: dict[str, Any], start_response: Callable[..., Any], started: float
    ) -> Iterable[bytes]:
        headers = list(answer.headers)
        given = environ.get("HTTP_X_REQUEST_ID", "")
        headers.append(("X-Request-ID", given if _VALID_ID.fullmatch(given) else uuid.uuid4().hex))
        for name, data in answer.replays.items():
            fn = _replays.get(name)
            if fn is not None:
                fn(environ, data, headers)
        start_response(answer.status, headers)
        if answer.route:
            REQUESTS.labels(answer.route, "GET", "200").inc()
            LATENCY.labels(answer.route).observe(time.perf_counter() - started)
        return [answer.body]

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
            self._size = 0


def _size(answer: _Answer) -> int:
    """About what an answer takes in memory, its key included."""
    return len(answer.body) + answer.key_size + sum(len(n) + len(v) for n, v in answer.headers) + 512


def _visitor_cookie(value: str) -> bool:
    return value.strip().startswith("onestop_vid=")
