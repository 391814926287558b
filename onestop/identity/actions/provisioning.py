"""Operators' imports and the demo's: sandbox residents, accounts made in bulk, personal
data encrypted again under a new key."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from onestop.core import databases
from onestop.core.actors import Actor, ActorKind
from onestop.core.audit import record_action
from onestop.core.crypto import reencrypt
from onestop.identity.actions.codes import valid_phone
from onestop.identity.actions.staff import PermissionDenied
from onestop.identity.actions.verification import check_identity, store_identity
from onestop.identity.audit import IdentityAudit
from onestop.identity.error_codes import IdentityErrorCode
from onestop.identity.models import (
    AccountKind,
    Role,
    RoleKind,
    SandboxResident,
    User,
)
from onestop.identity.providers.registry import (
    resident_hashes,
)
from onestop.tenancy.models import Department, Tenant


@dataclass(frozen=True, slots=True)
class ResidentSpec:
    name: str
    id_number: str
    status: str = "normal"


def do_load_sandbox_residents(*, actor: Actor, tenant: Tenant, residents: Sequence[ResidentSpec]) -> int:
    """Fill the sandbox population registry of a tenant (hashes only, like the real one)."""
    rows = []
    for resident in residents:
        id_hash, name_hash = resident_hashes(resident.name, resident.id_number)
        rows.append(
            SandboxResident(
                tenant=tenant, id_number_hash=id_hash, name_hash=name_hash, status=resident.status
            )
        )
    with databases.action():
        SandboxResident.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        record_action(
            actor=actor,
            action=IdentityAudit.LOAD_SANDBOX_RESIDENTS,
            tenant_code=tenant.code,
            object_type="sandbox_resident",
            detail={"count": len(rows)},
        )
    return len(rows)


@dataclass(frozen=True, slots=True)
class AccountSpec:
    phone: str
    password: str | None  # None: no password login (history's applicants)
    kind: str = AccountKind.CITIZEN
    display_name: str = ""
    roles: tuple[tuple[str, str], ...] = ()  # (role kind, department code or "")
    identity: ResidentSpec | None = None
    demo: bool = False  # made by the demo, with its published password


def do_provision_account(*, actor: Actor, tenant: Tenant | None, spec: AccountSpec) -> User:
    """Create an account without an SMS round trip: for operators' imports and the demo.
    An identity given is checked like a citizen's own verification."""
    if actor.kind != ActorKind.SYSTEM:
        raise PermissionDenied(
            IdentityErrorCode.PERMISSION_DENIED, _("You do not have permission to do this.")
        )
    number = valid_phone(spec.phone)
    account_tenant = tenant if spec.kind in {AccountKind.CITIZEN, AccountKind.STAFF} else None
    checked = None
    if spec.identity is not None and tenant is not None:
        checked = check_identity(tenant, None, spec.identity.name, spec.identity.id_number)
    with databases.action():
        user = User.objects.create_user(
            phone=number,
            password=spec.password,
            tenant=account_tenant,
            kind=spec.kind,
            display_name=spec.display_name,
            demo=spec.demo,
        )
        for role, department_code in spec.roles:
            department = (
                Department.objects.get(tenant=tenant, code=department_code) if department_code else None
            )
            Role.objects.create(
                user=user,
                kind=role,
                department=department,
                tenant=None if role == RoleKind.PLATFORM_OPERATOR else tenant,
            )
        record_action(
            actor=actor,
            action=IdentityAudit.PROVISION_ACCOUNT,
            tenant_code=tenant.code if tenant else "",
            object_type="user",
            object_id=str(user.pk),
            detail={"kind": spec.kind},
        )
        if checked is not None and tenant is not None:
            store_identity(actor=actor, user=user, tenant=tenant, checked=checked)
            user.refresh_from_db()
    return user


def do_reencrypt_personal_data(*, actor: Actor) -> int:
    """Re-encrypt every protected value with the newest data key (after adding a key)."""
    fields = ["phone_encrypted", "real_name_encrypted", "id_number_encrypted"]
    with databases.action():
        users = list(User.objects.select_for_update().only("id", *fields))
        for user in users:
            for field in fields:
                if value := getattr(user, field):
                    setattr(user, field, reencrypt(value))
        User.objects.bulk_update(users, fields, batch_size=1000)
        record_action(actor=actor, action=IdentityAudit.REENCRYPT, detail={"accounts": len(users)})
    return len(users)
