"""The certificate figures of a tenant's kpis object."""

from __future__ import annotations

from onestop.certificates.models import Certificate, CertificateType
from onestop.core.figures import figures_of
from onestop.tenancy.models import Tenant


@figures_of("certificates")
def figures(tenant: Tenant) -> dict[str, int]:
    return {
        "certificates_issued": Certificate.objects.filter(tenant=tenant).count(),
        "certificate_types": CertificateType.objects.filter(tenant=tenant).count(),
    }
