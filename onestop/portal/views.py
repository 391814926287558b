"""The portal's own pages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from onestop.catalogue.access import (
    departments_with_counts,
    hot_items,
    life_events_for_tenant,
    themes_with_counts,
)
from onestop.catalogue.kpis import figures as catalogue_figures
from onestop.core.errors import CoreErrorCode
from onestop.tenancy.access import access_tenant_by_code, public_tenants


def index(request: HttpRequest) -> HttpResponse:
    tenants = list(public_tenants())
    default = settings.ONESTOP_DEFAULT_TENANT
    if default and any(t.code == default for t in tenants):
        return redirect("portal:home", default)
    if len(tenants) == 1:
        return redirect("portal:home", tenants[0].code)
    return render(request, "portal/index.html", {"tenants": tenants})


def home(request: HttpRequest, tenant: str) -> HttpResponse:
    owner = access_tenant_by_code(tenant)
    themes = themes_with_counts(owner)
    figures = catalogue_figures(owner)
    departments = departments_with_counts(owner)
    context = {
        "tenant": owner,
        "nav": "home",
        "hot_items": hot_items(owner, limit=8),
        "person_themes": [t for t in themes if t.audience == "person"],
        "business_themes": [t for t in themes if t.audience == "business"],
        "departments": departments[:12],
        "departments_total": len(departments),
        "life_events": life_events_for_tenant(owner),
        "figures": figures,
    }
    return render(request, "portal/home.html", context)


def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def render_error(request: HttpRequest, code: str, message: str, status: int) -> HttpResponse:
    """An error page in the user's language; under /api/ the API's JSON error instead, so
    that partners get one error format even for paths no endpoint answers."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": code, "message": message},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    context = {"code": code, "message": message, "status": status}
    return render(request, "portal/error.html", context, status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return render_error(request, CoreErrorCode.NOT_FOUND, _("Not found."), 404)
    return render_error(request, CoreErrorCode.PAGE_NOT_FOUND, _("This page does not exist."), 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render_error(
        request,
        CoreErrorCode.SERVER_ERROR,
        _("Something went wrong on our side. Please try again."),
        500,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render_error(request, CoreErrorCode.INVALID, _("The request could not be understood."), 400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render_error(
        request,
        "csrf_failed",
        _("The form had expired. Please go back, reload and try again."),
        403,
    )
