from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "onestop.certificates"
    label = "certificates"
    verbose_name = _("Certificates")

    def ready(self) -> None:
        # Its events, and the holder told of a revocation.
        from onestop.certificates import events, messages  # noqa: F401
        from onestop.core.lean import stateless

        _console_menu()
        # Verification (a token or nothing), the issuers' keys and the status lists.
        stateless(r"/api/v1/certificates/verify|/issuers/[^/]+/[^/]+|/status-lists/[^/]+/[0-9]+")


def _console_menu() -> None:
    from onestop.core.menus import console_entry
    from onestop.identity.permissions import Permission

    console_entry(
        key="certificates",
        label=_("Certificates"),
        url_name="certificates:console_certificates",
        permission=Permission.HANDLE_CASES,
        order=30,
    )
