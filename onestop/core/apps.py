from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "onestop.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # The system checks, the kernel's tasks (relay, audit heads), the relay's backlog.
        from onestop.core import checks, tasks  # noqa: F401
        from onestop.core.lean import stateless
        from onestop.core.metrics import gauge

        stateless(r"/(?:health|healthz|readyz)")

        gauge("onestop_outbox_backlog", "Outbox events not yet relayed, on every database", _outbox_backlog)


def _outbox_backlog() -> int:
    from onestop.core import databases
    from onestop.core.models import OutboxEvent

    return sum(databases.on_each(lambda: OutboxEvent.objects.filter(relayed_at__isnull=True).count()))
