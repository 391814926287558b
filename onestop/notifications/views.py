"""The message centre."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from onestop.core.audit import record_action
from onestop.identity.access import actor_for
from onestop.identity.models import User
from onestop.identity.views import citizen_required
from onestop.notifications.access import messages_of
from onestop.tenancy.models import Tenant


@citizen_required
def message_centre(request: HttpRequest, tenant: Tenant, user: User) -> HttpResponse:
    notifications = list(messages_of(tenant, user)[:100])
    unread = [n.pk for n in notifications if n.read_at is None]
    if unread:
        with transaction.atomic():
            messages_of(tenant, user).filter(pk__in=unread).update(read_at=timezone.now())
            record_action(actor=actor_for(user, request), action="notifications.read", tenant_code=tenant.code,
                          object_type="user", object_id=str(user.pk), detail={"count": len(unread)})  # fmt: skip
    return render(request, "notifications/centre.html",
                  {"tenant": tenant, "notifications": notifications, "unread": set(unread), "nav": "me"})  # fmt: skip
