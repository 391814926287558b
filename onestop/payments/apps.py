from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "onestop.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from onestop.payments import events, tasks  # noqa: F401
        from onestop.payments.channels import wechatpay  # noqa: F401 - registers the channel
