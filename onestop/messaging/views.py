"""The developer page of the sandbox SMS backend: what the platform "sent"."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from onestop.messaging.access import sandbox_messages
from onestop.messaging.sms import sms_backend
from onestop.tenancy.access import access_tenant_by_code


def sandbox_outbox(request: HttpRequest, tenant: str) -> HttpResponse:
    owner = access_tenant_by_code(tenant)
    if not sms_backend().is_sandbox:
        raise Http404  # a real carrier delivers; there is nothing to show here
    messages = sandbox_messages(owner, phone=request.GET.get("phone", ""))[:50]
    return render(request, "messaging/sandbox_outbox.html", {"tenant": owner, "messages": messages})
