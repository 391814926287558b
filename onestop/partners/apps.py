from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "onestop.partners"
    label = "partners"
    verbose_name = _("Open platform")

    def ready(self) -> None:
        from onestop.partners import ratelimit  # noqa: F401  (registers the counters)
