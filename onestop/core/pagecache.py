"""Public pages served from the shared cache.

A page that shows the same to everyone (the catalogue, a service guide, the departments)
is rendered once per tenant, language, address and generation of what it shows, kept in
the cache (Redis in production: every process shares it; the process's memory by
default) for ``SHARED_SECONDS``, and answered from there. The generation comes from the
app that owns the page and moves with every change to what it shows, so a change is seen
at once wherever the cache is shared.

Nothing per person is inside a kept page: pages render their CSRF fields with a
placeholder that each answer replaces with the reader's own token, and a request with
messages waiting for its reader is rendered for that reader alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token

from onestop.core.context_processors import sandboxes

SHARED_SECONDS = 60
PLACEHOLDER = "onestop-csrf-token-placeholder"

View = Callable[..., HttpResponseBase]


def shared_page(generation: Callable[[HttpRequest, dict[str, Any]], str]) -> Callable[[View], View]:
    """Serve a view's 200 GET answers from the shared cache. ``generation(request, kwargs)``
    names the state of what the page shows (its owner's data generation)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def serve(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method not in ("GET", "HEAD") or len(messages.get_messages(request)):
                return view(request, *args, **kwargs)
            # The address, and what every page says of the installation (its banners).
            shown = repr((request.get_full_path(), sorted(sandboxes(request).items())))
            address = hashlib.blake2b(shown.encode(), digest_size=16).hexdigest()
            live = "live" if request.headers.get("HX-Request") else "page"
            key = f"page:{generation(request, kwargs)}:{request.LANGUAGE_CODE}:{live}:{address}"
            kept = cache.get(key)
            if kept is None:
                request.shared_page = True  # type: ignore[attr-defined]  # CSRF fields get the placeholder
                response = view(request, *args, **kwargs)
                if response.status_code != 200 or not isinstance(response, HttpResponse) or response.cookies:
                    return _personal(response, request)
                kept = (response.content, response["Content-Type"], getattr(request, "page_subject", None))
                cache.set(key, kept, SHARED_SECONDS)
            else:
                response = HttpResponse(kept[0], content_type=kept[1])
                if kept[2] is not None:
                    request.page_subject = kept[2]  # type: ignore[attr-defined]  # what analytics counts
            return _personal(response, request)

        return serve

    return decorate


def _personal(response: HttpResponseBase, request: HttpRequest) -> HttpResponseBase:
    """The reader's own CSRF token in place of the placeholder."""
    if isinstance(response, HttpResponse) and PLACEHOLDER.encode() in response.content:
        response.content = response.content.replace(PLACEHOLDER.encode(), get_token(request).encode())
    return response


def csrf_placeholder(request: HttpRequest) -> dict[str, Any]:
    """Context processor: a page rendered to be shared carries the placeholder in its CSRF
    fields (it overrides Django's own ``csrf_token``)."""
    return {"csrf_token": PLACEHOLDER} if getattr(request, "shared_page", False) else {}
