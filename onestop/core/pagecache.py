"""Whole pages kept in the cache.

A page that shows the same to everyone (the catalogue, a service guide, the departments)
is rendered once per tenant, language, address and generation of what it shows, kept in
the cache (Redis in production: every process shares it; the process's memory by
default) for ``SHARED_SECONDS``, and answered from there. The generation comes from the
app that owns the page and moves with every change to what it shows, so a change is seen
at once wherever the cache is shared. A person's own page (their list of applications)
is kept the same way under a generation that names the person; a generation of None
means "do not keep this one".

Nothing of another reader is in a kept page: CSRF fields are rendered with a placeholder
(unguessable, the same in every process) that each answer replaces with the reader's own
token, a request with messages waiting for its reader is rendered for that reader
alone, and so is a request with query parameters the page does not take (which would
otherwise make the cache keep a page per made-up address). Pages are kept apart for
readers signed in and signed out, so that a page can offer a form to one and a link to
the other: most pages signed out hold no CSRF field at all (the language switch needs
none, ``core.language``), and such a page is also kept compressed, answered as it is to
every reader whose answer may be compressed (``core.headers.public_answer``); those
pages are answered again in front of Django (``core.frontcache``).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Collection
from functools import cache, wraps
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache as shared_cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

from onestop.core.context_processors import sandboxes
from onestop.core.frontcache import MARK, Mark, reading_generations
from onestop.core.headers import public_answer

SHARED_SECONDS = 60

View = Callable[..., HttpResponseBase]
Generation = Callable[[HttpRequest, dict[str, Any]], str | None]


@cache
def placeholder() -> str:
    """What kept pages carry instead of a CSRF token: derived from the secret key, so
    that nobody can put it in a page (a search for it, say) to have a token copied there."""
    return (
        "csrf-"
        + hmac.new(settings.SECRET_KEY.encode(), b"onestop.pagecache", hashlib.sha256).hexdigest()[:32]
    )


def _field(token: str) -> bytes:
    return f'name="csrfmiddlewaretoken" value="{token}"'.encode()


def shared_page(generation: Generation, *, params: Collection[str] = ()) -> Callable[[View], View]:
    """Keep a view's 200 GET answers. ``generation(request, kwargs)`` names the state of
    what the page shows, or None for an answer not to keep; ``params`` are the query
    parameters the page takes."""

    def decorate(view: View) -> View:
        @wraps(view)
        def serve(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if (
                request.method not in ("GET", "HEAD")
                or any(name not in params for name in request.GET)
                or _messages_waiting(request)
            ):
                return view(request, *args, **kwargs)
            with reading_generations() as read:
                state = generation(request, kwargs)
            if state is None:
                return view(request, *args, **kwargs)
            # The address, and what every page says of the installation (its banners).
            shown = repr((request.get_full_path(), sorted(sandboxes(request).items())))
            address = hashlib.blake2b(shown.encode(), digest_size=16).hexdigest()
            live = "live" if request.headers.get("HX-Request") else "page"
            # Signed in or out: a page may offer a form to one and a link to the other.
            reader = "in" if request.user.is_authenticated else "out"
            key = f"page:{state}:{request.LANGUAGE_CODE}:{live}:{reader}:{address}"
            kept = shared_cache.get(key)
            if kept is None:
                request.shared_page = True  # type: ignore[attr-defined]  # CSRF fields get the placeholder
                try:
                    response = view(request, *args, **kwargs)
                finally:
                    # An error page rendered from here on carries the reader's own token.
                    request.shared_page = False  # type: ignore[attr-defined]
                if response.status_code != 200 or not isinstance(response, HttpResponse) or response.cookies:
                    return _personal(response, request)
                kept = _keep(response, getattr(request, "page_subject", None), compress=reader == "out")
                shared_cache.set(key, kept, SHARED_SECONDS)
            else:
                response = _from_kept(kept, request)
            if kept.subject is not None:
                request.page_subject = kept.subject  # type: ignore[attr-defined]  # what analytics counts
            if reader == "out" and live == "page" and kept.gzipped is not None and request.method == "GET":
                # The same bytes for every signed-out reader who asks the same way: answered
                # again in front of Django while these generations stand (core.frontcache).
                match = request.resolver_match
                route = (match.route or match.view_name) if match is not None else ""
                request.META[MARK] = Mark(validators=read, until=kept.kept_at + SHARED_SECONDS, route=route)
            return _personal(response, request)

        return serve

    return decorate


class Kept(NamedTuple):
    content: bytes
    content_type: str
    subject: Any
    gzipped: bytes | None  # the same page compressed, when it holds no token
    kept_at: float = 0.0  # time.time() when it was rendered


def _keep(response: HttpResponse, subject: Any, *, compress: bool) -> Kept:
    content = response.content
    # A page for signed-out readers without a token is the same for every one of them and
    # holds no secret: compressed once here, not for each answer. (GZipMiddleware pads its
    # header with random bytes against BREACH, for pages with a secret; one padding chosen
    # here is the same for every reader, which is fine only because there is none.)
    gzipped = (
        compress_string(content, max_random_bytes=GZipMiddleware.max_random_bytes)
        if compress and _field(placeholder()) not in content
        else None
    )
    return Kept(content, response["Content-Type"], subject, gzipped, time.time())


def _from_kept(kept: Kept, request: HttpRequest) -> HttpResponse:
    """The kept page, compressed when the reader takes gzip and the page may be compressed
    for them (``core.headers``: public, no state of their own)."""
    response = HttpResponse(kept.content, content_type=kept.content_type)
    if kept.gzipped is not None and len(kept.gzipped) < len(kept.content):
        patch_vary_headers(response, ("Accept-Encoding",))
        if re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) and public_answer(
            request, response
        ):
            response.content = kept.gzipped
            response["Content-Encoding"] = "gzip"
    return response


def _messages_waiting(request: HttpRequest) -> bool:
    """Messages live in their cookie or, when it overflows, in the session: a reader with
    neither has none, and is not made to load the message storage to learn it."""
    if (
        CookieStorage.cookie_name not in request.COOKIES
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    ):
        return False
    return bool(len(messages.get_messages(request)))


def _personal(response: HttpResponseBase, request: HttpRequest) -> HttpResponseBase:
    """The reader's own CSRF token in the page's CSRF fields."""
    field = _field(placeholder())
    if isinstance(response, HttpResponse) and field in response.content:
        response.content = response.content.replace(field, _field(get_token(request)))
    return response


def csrf_placeholder(request: HttpRequest) -> dict[str, Any]:
    """Context processor: a page rendered to be kept carries the placeholder in its CSRF
    fields (it overrides Django's own ``csrf_token``)."""
    return {"csrf_token": placeholder()} if getattr(request, "shared_page", False) else {}
