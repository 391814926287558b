from django.urls import include, path

from onestop.api.v1 import api
from onestop.core import health, language, metrics

handler400 = "onestop.core.responses.bad_request"
handler404 = "onestop.core.responses.page_not_found"
handler500 = "onestop.core.responses.server_error"

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/setlang/", language.set_language, name="set_language"),  # no token: core.language
    path("health", health.healthz, name="health"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("", include("onestop.core.urls")),  # before the portal: /audit/ is no tenant
    path("", include("onestop.console.urls")),
    path("", include("onestop.analytics.urls")),  # before the portal: /platform/ is no tenant
    path("", include("onestop.certificates.urls")),  # before the portal: /verify/ is no tenant
    path("", include("onestop.partners.urls")),  # before the portal: /oauth/, /developers/
    path("", include("onestop.portal.urls")),
    path("", include("onestop.catalogue.urls")),
    path("", include("onestop.identity.urls")),
    path("", include("onestop.cases.urls")),
    path("", include("onestop.notifications.urls")),
    path("", include("onestop.exchange.urls")),
    path("", include("onestop.payments.urls")),
]
