from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "onestop.partners"
    label = "partners"
    verbose_name = _("Open platform")

    def ready(self) -> None:
        # The rate-limit counters, the webhook fan-out, the delivery and housekeeping tasks,
        # the check of partner tokens on every API operation, and its system checks.
        from onestop.core.apiauth import register_token_authenticator
        from onestop.partners import checks, ratelimit, tasks, webhooks  # noqa: F401
        from onestop.partners.auth import authenticate

        register_token_authenticator(authenticate)
        from onestop.core.metrics import gauge

        gauge(
            "onestop_webhook_backlog",
            "Webhook deliveries waiting to be sent, on every database",
            _webhook_backlog,
        )
        _console_menu()


def _webhook_backlog() -> int:
    from onestop.core import databases
    from onestop.partners.models import DeliveryState, WebhookDelivery

    def pending() -> int:
        return WebhookDelivery.objects.platform_wide().filter(state=DeliveryState.PENDING).count()

    return sum(databases.on_each(pending))


def _console_menu() -> None:
    from onestop.core.menus import console_entry
    from onestop.identity.permissions import Permission

    console_entry(
        key="partners",
        label=_("Partners"),
        url_name="partners:console_partners",
        permission=Permission.MANAGE_PARTNERS,
        order=80,
    )
