from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "onestop.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from onestop.analytics import tasks  # noqa: F401  (the roll-up)
        from onestop.core.lean import stateless

        _console_menu()
        stateless(r"/api/v1/tenants/[^/]+/kpis")  # the public headline figures


def _console_menu() -> None:
    from onestop.core.menus import console_entry
    from onestop.identity.permissions import Permission

    console_entry(
        key="dashboard",
        label=_("Dashboard"),
        url_name="analytics:dashboard",
        permission=Permission.VIEW_DASHBOARD,
        order=10,
    )
