"""The open platform's figures in a tenant's kpis object."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from onestop.core.figures import figures_of
from onestop.partners.access import grants_of
from onestop.partners.models import Admission, AdmissionState, WebhookDelivery
from onestop.tenancy.models import Tenant


@figures_of("partners")
def figures(tenant: Tenant) -> dict[str, int]:
    """Partners approved in the tenant, their apps enabled there, and webhook deliveries
    made in the last 24 hours."""
    since = timezone.now() - timedelta(hours=24)
    return {
        "partners_total": Admission.objects.filter(tenant=tenant, state=AdmissionState.APPROVED).count(),
        "partner_apps_total": grants_of(tenant).count(),
        "webhook_deliveries_24h": WebhookDelivery.objects.filter(
            tenant=tenant, created_at__gte=since
        ).count(),
    }
