from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "onestop.messaging"
    label = "messaging"
    verbose_name = _("Messaging")

    def ready(self) -> None:
        from onestop.messaging import email, sms  # noqa: F401  (registers the backends)
        from onestop.messaging.providers import (  # noqa: F401  (registers the real ones)
            aliyun_sms,
            smtp_email,
            tencent_sms,
        )
