from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "onestop.identity"
    label = "identity"
    verbose_name = _("Identity")

    def ready(self) -> None:
        from onestop.identity.providers import face, registry  # noqa: F401  (register sandboxes)
