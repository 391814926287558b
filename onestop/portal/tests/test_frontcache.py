"""Kept public pages answered in front of Django (``core.frontcache``): the same bytes
and headers as Django's answer, a change seen as soon as the page cache sees it, every
answer counted, and nothing of a reader's own ever answered from there."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from onestop.analytics.recorder import recorder
from onestop.catalogue.access import _generation_key
from onestop.core import generations
from onestop.core.crypto import keyed_hash
from onestop.core.frontcache import FrontCache
from onestop.core.metrics import REQUESTS
from onestop.core.pagecache import SHARED_SECONDS

pytestmark = pytest.mark.django_db


class Counted:
    """Django's WSGI application, counting the requests that reach it."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()
        self.calls = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        self.calls += 1
        return self.handler(environ, start_response)


@pytest.fixture
def django_app() -> Iterator[Counted]:
    # As Django's test client does: the test's transaction stays open across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    recorder.discard()
    try:
        yield Counted()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        recorder.discard()


def _get(app: Any, path: str, method: str = "GET", **headers: str) -> tuple[str, dict[str, list[str]], bytes]:
    query = path.split("?", 1)[1] if "?" in path else ""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path.split("?", 1)[0],
        "QUERY_STRING": query,
        "HTTP_HOST": "127.0.0.1",
        **{f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()},
    }
    setup_testing_defaults(environ)
    seen: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], *args: Any) -> None:
        seen["status"], seen["headers"] = status, response_headers

    result = app(environ, start_response)
    body = b"".join(result)
    getattr(result, "close", lambda: None)()
    answered: dict[str, list[str]] = {}
    for name, value in seen["headers"]:
        answered.setdefault(name.lower(), []).append(value)
    return seen["status"], answered, body


def _stable(headers: dict[str, list[str]]) -> dict[str, Any]:
    """The headers every reader gets alike (the request id and cookies are per request;
    Vary lists the same names in either order)."""
    return {
        name: sorted(v.strip() for v in values[0].split(",")) if name == "vary" else values
        for name, values in headers.items()
        if name not in ("x-request-id", "set-cookie")
    }


def test_a_public_page_is_answered_again_with_the_same_bytes_and_headers(django_app: Counted) -> None:
    front = FrontCache(django_app, capacity=8 * 1024 * 1024)
    first = _get(front, "/gd/services/?page=2", **{"X-Request-ID": "given-id-1234"})
    again = _get(front, "/gd/services/?page=2")
    assert django_app.calls == 1  # the second answer did not reach Django
    assert first[0] == again[0] == "200 OK" and again[2] == first[2]
    assert _stable(again[1]) == _stable(first[1])
    assert first[1]["x-request-id"] == ["given-id-1234"]
    assert again[1]["x-request-id"][0] not in ("given-id-1234", "") and len(again[1]["x-request-id"][0]) == 32
    _get(front, "/gd/services/")  # another address is another page
    assert django_app.calls == 2


def test_a_change_to_what_the_page_shows_reaches_django_at_once(django_app: Counted) -> None:
    front = FrontCache(django_app, capacity=8 * 1024 * 1024)
    _get(front, "/gd/departments/")
    _get(front, "/gd/departments/")
    assert django_app.calls == 1
    generations.move(_generation_key("gd"))  # what a catalogue action does when it commits
    _get(front, "/gd/departments/")
    assert django_app.calls == 2
    _get(front, "/gd/departments/")
    assert django_app.calls == 2  # kept again under the new generation


def test_a_readers_own_requests_always_reach_django(django_app: Counted) -> None:
    front = FrontCache(django_app, capacity=8 * 1024 * 1024)
    _get(front, "/gd/")
    calls = django_app.calls
    for method, headers in (
        ("GET", {"Cookie": "onestop_session=abc"}),  # a session: maybe signed in
        ("GET", {"Cookie": "messages=abc"}),  # messages waiting for this reader
        ("GET", {"Cookie": "onestop_vid=" + "v" * 22 + "; other=1"}),
        ("GET", {"Cookie": 'odd"value; onestop_session=abc'}),  # read as Django reads it
        ("GET", {"Cookie": "csrftoken=short"}),  # Django answers with a new one
        ("GET", {"Authorization": "Bearer x"}),
        ("GET", {"Accept-Language": "en;q=0.9," * 200}),  # too long to be a key
        ("HEAD", {}),
        ("POST", {}),
    ):
        _get(front, "/gd/", method=method, **headers)
        calls += 1
        assert django_app.calls == calls, (method, headers)
    # A page holding a CSRF token (the login form, not kept) is never answered from here.
    for _ in range(2):
        status, _headers, body = _get(front, "/gd/accounts/login/")
        assert status == "200 OK" and b"csrfmiddlewaretoken" in body
    assert django_app.calls == calls + 2


def test_languages_and_compression_are_kept_apart(django_app: Counted) -> None:
    front = FrontCache(django_app, capacity=8 * 1024 * 1024)
    chinese = _get(front, "/gd/departments/")
    english = _get(front, "/gd/departments/", **{"Accept-Language": "en"})
    by_cookie = _get(front, "/gd/departments/", Cookie="onestop_language=en")
    gzipped = _get(front, "/gd/departments/", **{"Accept-Encoding": "gzip"})
    assert django_app.calls == 4
    assert chinese[1]["content-language"] == ["zh-hans"] and english[1]["content-language"] == ["en"]
    assert by_cookie[1]["content-language"] == ["en"] and gzipped[1]["content-encoding"] == ["gzip"]
    for asked, headers in (
        (chinese, {}),
        (english, {"Accept-Language": "en"}),
        (by_cookie, {"Cookie": "onestop_language=en"}),
        (gzipped, {"Accept-Encoding": "gzip"}),
    ):
        assert _get(front, "/gd/departments/", **headers)[2] == asked[2]
    assert django_app.calls == 4


def test_every_answer_counts_a_view_and_a_new_visitor_gets_a_cookie(django_app: Counted) -> None:
    front = FrontCache(django_app, capacity=8 * 1024 * 1024)
    route = [
        s for s in REQUESTS.collect()[0].samples if s.labels.get("route") == "<slug:tenant>/departments/"
    ]
    before = route[0].value if route else 0.0
    _get(front, "/gd/departments/")
    newcomer = _get(front, "/gd/departments/")
    assert recorder.pending() == 2
    cookie = newcomer[1]["set-cookie"][0]
    assert cookie.startswith("onestop_vid=") and "HttpOnly" in cookie and "Max-Age=31536000" in cookie
    known = "k" * 22
    returning = _get(front, "/gd/departments/", Cookie=f"onestop_vid={known}")
    assert "set-cookie" not in returning[1] and django_app.calls == 1
    assert recorder.pending() == 3
    with recorder._lock:
        views = list(recorder._views)
    assert views[-1].visitor == keyed_hash("visitor", known)[:16]
    assert {v.page for v in views} == {"catalogue:departments"}
    counted = [
        s for s in REQUESTS.collect()[0].samples if s.labels.get("route") == "<slug:tenant>/departments/"
    ]
    assert sum(s.value for s in counted if s.name.endswith("_total")) >= before + 3


def test_the_memory_it_takes_is_bounded(django_app: Counted) -> None:
    pages = [f"/gd/services/?page={n}" for n in (2, 3, 4)]
    largest = max(len(_get(django_app, page)[2]) for page in pages)
    front = FrontCache(django_app, capacity=2 * (largest + 2000) + 1000)  # room for two
    for page in pages:
        _get(front, page)
    assert front._size <= front.capacity and len(front._answers) == 2
    calls = django_app.calls
    _get(front, pages[2])
    _get(front, pages[1])
    assert django_app.calls == calls  # the two newest are kept
    _get(front, pages[0])
    assert django_app.calls == calls + 1  # the oldest was let go
    off = FrontCache(django_app, capacity=0)
    _get(off, pages[0])
    _get(off, pages[0])
    assert django_app.calls == calls + 3  # turned off: every request reaches Django


def test_an_answer_lives_no_longer_than_its_kept_page(django_app: Counted) -> None:
    front = FrontCache(django_app, capacity=8 * 1024 * 1024)
    _get(front, "/gd/departments/", Cookie="csrftoken=" + "a" * 32)  # a well-formed token changes nothing
    _get(front, "/gd/departments/", Cookie="csrftoken=" + "b" * 32)
    assert django_app.calls == 1
    ((key, answer),) = front._answers.items()
    assert answer.until <= time.time() + SHARED_SECONDS
    front._answers[key] = replace(answer, until=time.time() - 1)
    _get(front, "/gd/departments/", Cookie="csrftoken=" + "b" * 32)
    assert django_app.calls == 2
    _status, headers, _body = _get(front, "/gd/departments/", **{"X-Request-ID": "abcdefgh\n"})
    assert headers["x-request-id"][0] != "abcdefgh\n" and django_app.calls == 2
