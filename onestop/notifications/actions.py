"""The message centre's one write: a person's messages marked read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from onestop.core import databases, stamps
from onestop.core.audit import record_action
from onestop.notifications.access import messages_of
from onestop.notifications.audit import NotificationsAudit

if TYPE_CHECKING:
    from onestop.core.actors import Actor
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant


def do_mark_read(*, actor: Actor, tenant: Tenant, user: User, ids: list[int]) -> int:
    """Mark the given messages of this person read; someone else's ids change nothing."""
    if not ids:
        return 0
    with databases.action():
        marked = (
            messages_of(tenant, user).filter(pk__in=ids, read_at__isnull=True).update(read_at=timezone.now())
        )
        if marked:
            stamps.touch(user.pk)
            record_action(
                actor=actor,
                action=NotificationsAudit.READ,
                tenant_code=tenant.code,
                object_type="user",
                object_id=str(user.pk),
                detail={"count": marked},
            )
    return marked
