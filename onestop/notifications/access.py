from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from onestop.notifications.models import Notification

if TYPE_CHECKING:
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant


def messages_of(tenant: Tenant, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(tenant=tenant, user=user)


def unread_count(tenant: Tenant, user: User) -> int:
    return messages_of(tenant, user).filter(read_at__isnull=True).count()
