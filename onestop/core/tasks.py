"""The audit log's background task: publishing the signed heads of its chains, every
``ONESTOP_AUDIT_PUBLISH_MINUTES`` (`onestop worker` keeps it scheduled)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task


@task()
def publish_audit_heads() -> dict[str, int]:
    """Publish the head of every chain that grew, then come back in N minutes (one chain
    of this task is enough: a second worker does not start another)."""
    from django_tasks_db.models import DBTaskResult

    from onestop.core.transparency import publish_heads

    publications = publish_heads()
    if not DBTaskResult.objects.filter(task_path=publish_audit_heads.module_path, status="READY").exists():
        delay = timedelta(minutes=settings.ONESTOP_AUDIT_PUBLISH_MINUTES)
        publish_audit_heads.using(run_after=timezone.now() + delay).enqueue()
    return {
        "published": sum(p.published for p in publications),
        "refused": sum(bool(p.refused) for p in publications),
    }
