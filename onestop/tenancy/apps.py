from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    name = "onestop.tenancy"
    label = "tenancy"
    verbose_name = _("Tenancy")

    def ready(self) -> None:
        # Its events and the system checks of the divisions table.
        from onestop.tenancy import checks, events  # noqa: F401
