from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "onestop.identity"
    label = "identity"
    verbose_name = _("Identity")

    def ready(self) -> None:
        # Its events, the sandbox providers, the sign-in housekeeping, its system checks.
        from onestop.identity import checks, events, tasks  # noqa: F401
        from onestop.identity.providers import face, registry  # noqa: F401

        _console_menu()


def _console_menu() -> None:
    from onestop.core.menus import console_entry
    from onestop.identity.permissions import Permission
    from onestop.messaging.access import sandbox_sms_enabled

    console_entry(
        key="staff", label=_("Staff"), url_name="identity:staff", permission=Permission.MANAGE_STAFF, order=50
    )
    console_entry(
        key="users",
        label=_("Accounts"),
        url_name="identity:users",
        permission=Permission.VIEW_USERS,
        order=60,
    )
    console_entry(
        key="sms",
        label=_("SMS outbox"),
        url_name="identity:console_sms",
        permission=Permission.VIEW_SMS,
        order=70,
        shown=sandbox_sms_enabled,
    )
    console_entry(
        key="audit",
        label=_("Audit log"),
        url_name="identity:audit",
        permission=Permission.VIEW_AUDIT,
        order=90,
    )
