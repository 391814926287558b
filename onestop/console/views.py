"""The console shell's own page: its front page, with the menu the apps declared (each
app owns its console pages)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from onestop.identity.pages import console_page, staff_context
from onestop.identity.permissions import Permission

if TYPE_CHECKING:
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant


@console_page(Permission.CONSOLE)
def home(request: HttpRequest, tenant: Tenant, user: User) -> HttpResponse:
    return render(request, "console/home.html", staff_context(request, tenant, user))
