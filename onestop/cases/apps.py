from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "onestop.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # Its events, the applicant told of each step, the case clock.
        from onestop.cases import events, messages, tasks  # noqa: F401

        _console_menu()


def _console_menu() -> None:
    from onestop.core.menus import console_entry
    from onestop.identity.permissions import Permission

    console_entry(
        key="queue", label=_("Cases"), url_name="cases:queue", permission=Permission.HANDLE_CASES, order=20
    )
    console_entry(
        key="ratings", label=_("Ratings"), url_name="cases:ratings", permission=Permission.CONSOLE, order=40
    )
