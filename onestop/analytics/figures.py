"""A tenant's figures, all of them: the kpis object of the API and the dashboards."""

from __future__ import annotations

from typing import Any

from onestop.analytics import kpis as analytics_kpis
from onestop.cases import kpis as cases_kpis
from onestop.catalogue import kpis as catalogue_kpis
from onestop.certificates import kpis as certificates_kpis
from onestop.exchange.access import figures as exchange_figures
from onestop.identity import kpis as identity_kpis
from onestop.partners import kpis as partners_kpis
from onestop.tenancy import kpis as tenancy_kpis
from onestop.tenancy.models import Tenant


def tenant_figures(tenant: Tenant) -> dict[str, Any]:
    return {
        **catalogue_kpis.figures(tenant),
        **tenancy_kpis.figures(tenant),
        **identity_kpis.figures(tenant),
        **cases_kpis.figures(tenant),
        **certificates_kpis.figures(tenant),
        **exchange_figures(tenant),
        **partners_kpis.figures(tenant),
        **analytics_kpis.figures(tenant),
    }
