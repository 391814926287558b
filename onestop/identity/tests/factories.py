"""Accounts for tests, made as an operator's import makes them (``do_provision_account``):
a citizen verified against the tenant's sandbox registry, an officer of a department."""

from __future__ import annotations

import itertools
from datetime import date

from django.test import Client

from onestop.identity.actions import (
    AccountSpec,
    ResidentSpec,
    do_load_sandbox_residents,
    do_provision_account,
)
from onestop.identity.idnumber import make_id_number
from onestop.identity.models import User
from onestop.tenancy.models import Tenant
from onestop.tenancy.tests.factories import COUNTY, FACTORY

PASSWORD = "Factory-Pass-2026"
_numbers = itertools.count(1)


def make_citizen(tenant: Tenant, *, verified: bool = True, name: str = "张测试") -> User:
    """A citizen with a password; ``verified``: L3, the registry knows their name and number."""
    n = next(_numbers)
    identity = None
    if verified:
        identity = ResidentSpec(name, make_id_number(COUNTY, date(1990, 1, 1), n % 1000))
        do_load_sandbox_residents(actor=FACTORY, tenant=tenant, residents=[identity])
    spec = AccountSpec(phone=f"137{n:08d}", password=PASSWORD, identity=identity)
    return do_provision_account(actor=FACTORY, tenant=tenant, spec=spec)


def make_staff(tenant: Tenant, role: str = "officer", department: str = "440100-rs") -> User:
    spec = AccountSpec(
        phone=f"137{next(_numbers):08d}",
        password=PASSWORD,
        kind="staff",
        display_name=f"测试{role}",
        roles=((role, department),),
    )
    return do_provision_account(actor=FACTORY, tenant=tenant, spec=spec)


def client_of(user: User) -> Client:
    """A test client logged in as the account (a session as the login page makes one)."""
    client = Client()
    client.force_login(user)
    return client
