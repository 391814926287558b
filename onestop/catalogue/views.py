"""Catalogue pages of the citizen portal: search, the service guide, departments and
life events. Views parse, read through ``access`` and render; they write nothing. They
show the same to everyone, so they are served from the shared cache per catalogue
generation (``core.pagecache``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from onestop.catalogue.access import (
    access_life_event,
    access_service_item,
    departments_with_counts,
    hot_items,
    life_events_for_tenant,
    page_generation,
    search_service_items,
    themes_with_counts,
)
from onestop.catalogue.forms import SearchForm
from onestop.catalogue.kpis import figures as catalogue_figures
from onestop.core.errors import ValidationFailed
from onestop.core.pagecache import shared_page
from onestop.tenancy.access import access_tenant_by_code


@shared_page(page_generation, params=SearchForm.base_fields)
def search(request: HttpRequest, tenant: str) -> HttpResponse:
    owner = access_tenant_by_code(tenant)
    form = SearchForm(request.GET)
    page, error, status = None, None, 200
    if form.is_valid():
        try:
            page = search_service_items(owner, form.to_query())
        except ValidationFailed as exc:
            error, status = exc, 422
    else:
        status = 422
    context = {
        "tenant": owner,
        "nav": "services",
        "form": form,
        "page": page,
        "error": error,
        "departments": departments_with_counts(owner),
        "themes": themes_with_counts(owner),
    }
    # Live search (htmx) swaps the results in and the count into the status line.
    context["live"] = bool(request.headers.get("HX-Request"))
    template = "catalogue/_results.html" if context["live"] else "catalogue/search.html"
    return render(request, template, context, status=status)


@shared_page(page_generation)
def guide(request: HttpRequest, tenant: str, code: str) -> HttpResponse:
    owner = access_tenant_by_code(tenant)
    item = access_service_item(owner, code)
    request.page_subject = {"item": item.code, "department": item.department.code}  # type: ignore[attr-defined]
    return render(request, "catalogue/guide.html", {"tenant": owner, "item": item, "nav": "services"})


@shared_page(page_generation)
def departments(request: HttpRequest, tenant: str) -> HttpResponse:
    owner = access_tenant_by_code(tenant)
    return render(
        request,
        "catalogue/departments.html",
        {"tenant": owner, "departments": departments_with_counts(owner), "nav": "departments"},
    )


@shared_page(page_generation)
def life_event(request: HttpRequest, tenant: str, code: str) -> HttpResponse:
    owner = access_tenant_by_code(tenant)
    event, items = access_life_event(owner, code)
    return render(
        request,
        "catalogue/life_event.html",
        {"tenant": owner, "event": event, "items": items, "nav": "services"},
    )


@shared_page(page_generation)
def home(request: HttpRequest, tenant: str) -> HttpResponse:
    """The tenant's front page: search, the most used items, themes, life events and
    departments."""
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
    return render(request, "catalogue/home.html", context)
