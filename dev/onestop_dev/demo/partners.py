"""The demo partner: the demo developer's organisation, admitted to the sandbox (as every
partner is) and waiting for the demo province's approval, with one app enabled in the
sandbox."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from onestop.core.errors import NotFound
from onestop.partners.actions import (
    do_create_app,
    do_grant_app,
    do_register_partner,
    do_request_admission,
)
from onestop.tenancy.access import access_tenant_by_code
from onestop_dev.demo.accounts import DEMO_ACTOR

if TYPE_CHECKING:
    from onestop.identity.models import User
    from onestop.partners.models import App
    from onestop.tenancy.models import Tenant

DEMO_PARTNER = ("示例伙伴科技有限公司", "91440101MA5D000019")
DEMO_REDIRECT_URI = "http://127.0.0.1:8765/callback"
SANDBOX_SCOPES = (
    "catalogue:read",
    "cases:read",
    "cases:write",
    "certificates:verify",
    "webhooks:manage",
)


def load_demo_partner(developer: User, tenant: Tenant) -> App:
    name, code = DEMO_PARTNER
    partner = do_register_partner(actor=DEMO_ACTOR, user=developer, name=name, credit_code=code)
    do_request_admission(actor=DEMO_ACTOR, user=developer, partner=partner, tenant=tenant)
    app, _secret = do_create_app(
        actor=DEMO_ACTOR,
        user=developer,
        partner=partner,
        name="办事小程序（示例）",
        description="A demo mini-program that applies for citizens who consent.",
        redirect_uris=[DEMO_REDIRECT_URI],
    )
    try:
        sandbox = access_tenant_by_code(settings.ONESTOP_SANDBOX_TENANT, public_only=False)
    except NotFound:
        return app
    do_grant_app(actor=DEMO_ACTOR, user=developer, app=app, tenant=sandbox, scopes=SANDBOX_SCOPES)
    return app
