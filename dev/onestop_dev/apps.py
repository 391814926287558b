from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevelopmentConfig(AppConfig):
    name = "onestop_dev"
    label = "onestop_dev"
    verbose_name = _("Development tools")
