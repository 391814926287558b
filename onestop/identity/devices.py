"""Known devices: OWASP's device cookies ("Slow Down Online Guessing Attacks with Device
Cookies").

A successful login leaves a cookie in the browser that names the account it logged in to,
signed with the server's secret and valid for ``LIFETIME``. A later attempt on that account
that brings the cookie back is held back by that device's own failures only
(``throttle.login_counters``): guesses from elsewhere never keep the owner out. The cookie
proves nothing by itself; the password or code is checked as always.

Nothing in it is readable: the account is a keyed hash, the device a random id. There is
one cookie per account (its name a keyed hash as well), so people who share a browser keep
one each.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core import signing

from onestop.core.crypto import keyed_hash
from onestop.messaging.phones import normalize_phone
from onestop.tenancy.models import Tenant

LIFETIME = timedelta(days=180)
_SALT = "onestop.identity.devices"


def _account(tenant: Tenant, phone: str) -> str:
    return keyed_hash("device-account", f"{tenant.code}:{normalize_phone(phone)}")[:32]


def cookie_name(tenant: Tenant, phone: str) -> str:
    return f"onestop_device_{keyed_hash('device-cookie', _account(tenant, phone))[:16]}"


def new_token(tenant: Tenant, phone: str) -> str:
    """A new device cookie's value, for the account that just logged in."""
    return signing.dumps({"a": _account(tenant, phone), "d": secrets.token_urlsafe(16)}, salt=_SALT)


def device_id(token: str, tenant: Tenant, phone: str) -> str | None:
    """The device's id if ``token`` is a valid, unexpired cookie of this account; None for
    anything else (no cookie, another account's, forged, expired)."""
    if not token:
        return None
    try:
        payload = signing.loads(token, salt=_SALT, max_age=LIFETIME)
    except signing.BadSignature:  # SignatureExpired is one
        return None
    if not isinstance(payload, dict) or payload.get("a") != _account(tenant, phone):
        return None
    device = payload.get("d")
    return device if isinstance(device, str) and device else None
