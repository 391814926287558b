"""The language switch: a form in every page's header that posts the language wanted.

It carries no CSRF token, so that the pages everyone shares (the catalogue, the guides)
hold nothing of any one reader and are kept, compressed, once for all. What a CSRF token
would stop is another site switching a reader's language, which grants nothing; that is
refused anyway from the browser's own word on where the form came from
(``Sec-Fetch-Site`` and ``Origin``, sent by every current browser with a POST). The
choice is a cookie, as with Django's ``set_language``, which does the rest."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language as django_set_language

from onestop.core.errors import CoreErrorCode
from onestop.core.responses import render_error


def same_site(request: HttpRequest) -> bool:
    """Whether the browser says the request comes from this site's own pages (or says
    nothing, as older browsers and other clients do)."""
    fetched_from = request.headers.get("Sec-Fetch-Site")
    if fetched_from is not None and fetched_from not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    return origin is None or origin == f"{request.scheme}://{request.get_host()}"


@csrf_exempt
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's own (a GET only leads back to ``next``), from this site's pages only."""
    if request.method == "POST" and not same_site(request):
        message = _("The language can only be changed from this site's own pages.")
        return render_error(request, CoreErrorCode.CROSS_SITE, message, 403)
    if request.method == "POST" and request.POST.get("language") not in dict(settings.LANGUAGES):
        # Django would leave the language as it was and say nothing.
        message = _("This language is not offered. Choose 中文 or English.")
        return render_error(request, CoreErrorCode.LANGUAGE_UNKNOWN, message, 422)
    return django_set_language(request)
