"""Catalogue endpoints of the public API."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.responses import NinjaJSONEncoder

from onestop.catalogue.access import (
    MAX_PAGE_SIZE,
    MAX_QUERY_LENGTH,
    ServiceQuery,
    access_service_item,
    cached_until_changed,
    search_service_items,
    themes_with_counts,
)
from onestop.catalogue.models import ServiceItem
from onestop.core.api import NOT_FOUND_OR_INVALID, TOKEN_ERRORS
from onestop.core.apiauth import partner_route
from onestop.tenancy.access import access_tenant_by_code
from onestop.tenancy.models import Tenant

router = Router(tags=["catalogue"])
# Open to everyone; a partner app's token, when sent, is checked and counted.
CATALOGUE_READ = partner_route("catalogue:read", public=True)
KEPT_PAGES = 5  # pages of search results kept per query


class DepartmentRef(Schema):
    code: str
    name: str
    name_en: str


class ServiceSummaryOut(Schema):
    code: str
    name: str
    name_en: str
    item_type: str
    variant: str
    department: DepartmentRef
    exercise_level: str
    audience: str
    zero_trip: bool
    visits_required: int
    committed_limit_days: int
    min_trust_level: int
    url: str = Field(description="The guide page on the citizen portal.")


class MaterialOut(Schema):
    name: str
    form: str
    quantity: int
    required: bool
    notes: str
    certificate_type: str = Field(description="Certificate type that can replace it, if any.")


class StepOut(Schema):
    name: str
    description: str
    requires_visit: bool


class PlaceOut(Schema):
    name: str
    address: str
    hours: str
    phone: str


class ThemeOut(Schema):
    code: str
    name: str
    name_en: str
    audience: str


class ThemeCountOut(ThemeOut):
    item_count: int


class ServiceDetailOut(ServiceSummaryOut):
    sub_item: str
    summary: str
    legal_basis: str
    acceptance_conditions: str
    statutory_limit_days: int
    fee_amount: Decimal
    fee_basis: str
    consultation_phone: str
    complaint_phone: str
    online_depth: int
    keywords: list[str]
    materials: list[MaterialOut]
    steps: list[StepOut]
    places: list[PlaceOut]
    themes: list[ThemeOut]
    version: int


class ServicePageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[ServiceSummaryOut]


class ServiceFilters(Schema):
    q: str = Field("", max_length=MAX_QUERY_LENGTH, description="Chinese, pinyin or initials.")
    department: str = Field("", description="Department code.")
    theme: str = Field("", description="Theme code.")
    audience: str = Field("", description="person or business.")
    zero_trip: bool | None = Field(None, description="Only items done entirely online.")
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


def _summary_fields(tenant_code: str, item: ServiceItem) -> dict[str, Any]:
    department = item.department
    return {
        "code": item.code,
        "name": item.name,
        "name_en": item.name_en,
        "item_type": item.item_type,
        "variant": item.variant,
        "department": DepartmentRef(code=department.code, name=department.name, name_en=department.name_en),
        "exercise_level": item.exercise_level,
        "audience": item.audience,
        "zero_trip": item.is_zero_trip,
        "visits_required": item.visits_required,
        "committed_limit_days": item.committed_limit_days,
        "min_trust_level": item.min_trust_level,
        "url": reverse("catalogue:guide", args=[tenant_code, item.code]),
    }


@router.get(
    "/tenants/{tenant}/services",
    response={200: ServicePageOut, **NOT_FOUND_OR_INVALID, **TOKEN_ERRORS},
    **CATALOGUE_READ,
    summary="Search a tenant's service catalogue",
)
def list_services(request: HttpRequest, tenant: str, filters: Query[ServiceFilters]) -> HttpResponse:
    # A page of results is the same for every caller until the catalogue changes, and
    # searches repeat (社保, 公积金, 营业执照): each page is kept as the JSON it answers,
    # with the other pages of the catalogue (``cached_until_changed``).
    # Only the first pages are kept: deeper ones are asked rarely, and would crowd out the
    # rest of the cache.
    owner = access_tenant_by_code(tenant)
    if filters.page > KEPT_PAGES:
        body = _services_page(owner, filters)
    else:
        asked = hashlib.sha256(filters.model_dump_json().encode()).hexdigest()[:32]
        body = cached_until_changed(owner, f"api-services:{asked}", lambda: _services_page(owner, filters))
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def _services_page(owner: Tenant, filters: ServiceFilters) -> bytes:
    """The page as the API's renderer writes a ``ServicePageOut`` (its errors raise, and
    are never kept)."""
    page = search_service_items(owner, ServiceQuery(**filters.dict()))
    out = ServicePageOut(
        count=page.count,
        page=filters.page,
        page_size=filters.page_size,
        results=[ServiceSummaryOut(**_summary_fields(owner.code, item)) for item in page.items],
    )
    return json.dumps(out.model_dump(), cls=NinjaJSONEncoder, ensure_ascii=False).encode()


@router.get(
    "/tenants/{tenant}/services/{code}",
    response={200: ServiceDetailOut, **NOT_FOUND_OR_INVALID, **TOKEN_ERRORS},
    **CATALOGUE_READ,
    summary="A service item's full guide",
)
def get_service(request: HttpRequest, tenant: str, code: str) -> ServiceDetailOut:
    owner = access_tenant_by_code(tenant)
    item = access_service_item(owner, code)
    return ServiceDetailOut(
        **_summary_fields(owner.code, item),
        sub_item=item.sub_item,
        summary=item.summary,
        legal_basis=item.legal_basis,
        acceptance_conditions=item.acceptance_conditions,
        statutory_limit_days=item.statutory_limit_days,
        fee_amount=item.fee_amount,
        fee_basis=item.fee_basis,
        consultation_phone=item.consultation_phone,
        complaint_phone=item.complaint_phone,
        online_depth=item.online_depth,
        keywords=[k for k in item.keywords.split(",") if k],
        materials=[
            MaterialOut(
                name=m.name,
                form=m.form,
                quantity=m.quantity,
                required=m.required,
                notes=m.notes,
                certificate_type=m.certificate_type,
            )
            for m in item.materials.all()
        ],
        steps=[
            StepOut(name=s.name, description=s.description, requires_visit=s.requires_visit)
            for s in item.steps.all()
        ],
        places=[PlaceOut(**{"phone": "", **place}) for place in item.places],
        themes=[
            ThemeOut(code=t.code, name=t.name, name_en=t.name_en, audience=t.audience)
            for t in item.themes.all()
        ],
        version=item.version,
    )


@router.get(
    "/tenants/{tenant}/themes",
    response={200: list[ThemeCountOut], **NOT_FOUND_OR_INVALID, **TOKEN_ERRORS},
    **CATALOGUE_READ,
    summary="A tenant's themes for people and businesses",
)
def list_themes(request: HttpRequest, tenant: str) -> list[ThemeCountOut]:
    owner = access_tenant_by_code(tenant)
    return [
        ThemeCountOut(
            code=t.code,
            name=t.name,
            name_en=t.name_en,
            audience=t.audience,
            item_count=t.item_count,  # type: ignore[attr-defined]
        )
        for t in themes_with_counts(owner)
    ]
