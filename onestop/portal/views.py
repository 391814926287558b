"""The portal shell's own pages: the tenant chooser and the health check (each app owns
its pages; the tenant's front page is the catalogue's)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from onestop.tenancy.access import public_tenants


def index(request: HttpRequest) -> HttpResponse:
    tenants = list(public_tenants())
    default = settings.ONESTOP_DEFAULT_TENANT
    if default and any(t.code == default for t in tenants):
        return redirect("catalogue:home", default)
    if len(tenants) == 1:
        return redirect("catalogue:home", tenants[0].code)
    return render(request, "portal/index.html", {"tenants": tenants})


def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
