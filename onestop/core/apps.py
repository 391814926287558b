from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "onestop.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # The system checks, and the kernel's tasks (relay, audit heads).
        from onestop.core import checks, tasks  # noqa: F401
