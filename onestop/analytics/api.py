"""The analytics' API: a tenant's headline figures, assembled from every app's kpis."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema

from onestop.core.api import NOT_FOUND_OR_INVALID
from onestop.core.figures import tenant_figures
from onestop.tenancy.access import access_tenant_by_code


class KpisOut(Schema):
    services_total: int
    services_zero_trip: int
    departments_total: int
    regions_total: int
    users_total: int
    real_name_users: int = Field(description="Accounts verified to L3 or above.")
    users_by_level: dict[str, int] = Field(description="Citizen accounts per trust level, L1 to L5.")
    cases_total: int
    cases_by_state: dict[str, int]
    on_time_rate: float | None = Field(description="Share of decided cases decided within their limit.")
    avg_processing_days: float | None = Field(description="Working days from acceptance to decision.")
    ratings_total: int
    satisfaction: float | None = Field(description="Share of ratings of 4 or 5.")
    rectification_open: int
    certificates_issued: int
    certificate_types: int
    data_exchange_queries: int
    partners_total: int = Field(description="Partners approved in the tenant.")
    partner_apps_total: int = Field(description="Apps of approved partners enabled in the tenant.")
    webhook_deliveries_24h: int = Field(description="Webhook deliveries made in the last 24 hours.")
    page_views_today: int = Field(description="Portal pages served today (rolled up every minute).")
    page_views_peak_day: int = Field(description="Portal pages served on the busiest day.")
    unique_visitors_today: int = Field(description="Distinct visitors of the portal today.")


router = Router(tags=["figures"])


@router.get(
    "/tenants/{tenant}/kpis",
    response={200: KpisOut, **NOT_FOUND_OR_INVALID},
    summary="A tenant's headline figures",
)
def tenant_kpis(request: HttpRequest, tenant: str) -> KpisOut:
    owner = access_tenant_by_code(tenant)
    figures = tenant_figures(owner)
    return KpisOut.model_validate(figures)
