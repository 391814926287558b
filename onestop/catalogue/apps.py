from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "onestop.catalogue"
    label = "catalogue"
    verbose_name = _("Service catalogue")

    def ready(self) -> None:
        from onestop.catalogue import events  # noqa: F401  (declares its topics)
        from onestop.catalogue.search import warm_up
        from onestop.core import warmup
        from onestop.core.lean import stateless

        warmup.register(warm_up)
        # The public catalogue's API: search, an item, the themes (a token or nothing).
        stateless(r"/api/v1/tenants/[^/]+/(?:services(?:/[^/]+)?|themes)")
