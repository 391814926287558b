"""The message centre."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from onestop.core.pagecache import shared_page
from onestop.identity.access import actor_for
from onestop.identity.pages import citizen_required, own_page_generation
from onestop.notifications.access import messages_of
from onestop.notifications.actions import do_mark_read

if TYPE_CHECKING:
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant


@shared_page(own_page_generation("messages"))  # kept until a message arrives or is read
@citizen_required
def message_centre(request: HttpRequest, tenant: Tenant, user: User) -> HttpResponse:
    notifications = list(messages_of(tenant, user)[:100])
    unread = [n.pk for n in notifications if n.read_at is None]
    do_mark_read(actor=actor_for(user, request), tenant=tenant, user=user, ids=unread)
    return render(
        request,
        "notifications/centre.html",
        {"tenant": tenant, "notifications": notifications, "unread": set(unread), "nav": "me"},
    )
