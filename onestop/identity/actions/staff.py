"""Staff accounts, and personal data: who may see an account's data in full, and a
citizen's own export."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from onestop.core import databases
from onestop.core.actors import Actor
from onestop.core.audit import record_action
from onestop.core.crypto import decrypt
from onestop.core.errors import OnestopError, ValidationFailed
from onestop.core.models import AuditOutcome
from onestop.identity.access import personal_data
from onestop.identity.actions.accounts import check_new_password
from onestop.identity.actions.codes import login_key, valid_phone
from onestop.identity.audit import IdentityAudit
from onestop.identity.error_codes import IdentityErrorCode
from onestop.identity.models import (
    AccountKind,
    Role,
    RoleKind,
    User,
)
from onestop.identity.permissions import Permission, has_permission
from onestop.tenancy.models import Department, Tenant


class PermissionDenied(OnestopError):
    status = 403


def require(
    actor_user: User,
    permission: Permission,
    *,
    tenant: Tenant,
    actor: Actor,
    department: Department | None = None,
    what: str = "",
) -> None:
    """Refuse (and record the refusal) unless the account holds the permission here."""
    if has_permission(actor_user, permission, tenant=tenant, department=department):
        return
    record_action(
        actor=actor,
        action=IdentityAudit(f"identity.denied.{permission.value}"),
        tenant_code=tenant.code,
        object_type="permission",
        object_id=what,
        outcome=AuditOutcome.DENIED,
    )
    raise PermissionDenied(IdentityErrorCode.PERMISSION_DENIED, _("You do not have permission to do this."))


def do_create_staff(
    *,
    actor: Actor,
    operator: User,
    tenant: Tenant,
    phone: str,
    display_name: str,
    role: str,
    password: str,
    department: Department | None = None,
) -> User:
    require(operator, Permission.MANAGE_STAFF, tenant=tenant, actor=actor, what="create_staff")
    number = valid_phone(phone)
    department_roles = {RoleKind.OFFICER, RoleKind.DEPARTMENT_HEAD}
    if role not in {RoleKind.OFFICER, RoleKind.DEPARTMENT_HEAD, RoleKind.TENANT_OPERATOR} or (
        (role in department_roles) != (department is not None)
    ):
        raise ValidationFailed(
            IdentityErrorCode.ROLE_INVALID,
            _("Officers and heads need a department; operators need none."),
            field="role",
        )
    if department is not None and department.tenant_id != tenant.id:
        raise ValidationFailed(IdentityErrorCode.ROLE_INVALID, _("Unknown department."), field="department")
    check_new_password(password)
    if not display_name.strip():
        raise ValidationFailed(
            IdentityErrorCode.NAME_INVALID,
            _("Enter the staff member's name."),
            field="display_name",
        )
    with databases.action():
        if User.objects.filter(login_key=login_key(tenant, number)).exists():
            raise ValidationFailed(
                IdentityErrorCode.PHONE_TAKEN,
                _("This number already has an account."),
                field="phone",
            )
        user = User.objects.create_user(
            phone=number,
            password=password,
            tenant=tenant,
            kind=AccountKind.STAFF,
            display_name=display_name.strip(),
        )
        Role.objects.create(user=user, kind=role, tenant=tenant, department=department)
        record_action(
            actor=actor,
            action=IdentityAudit.CREATE_STAFF,
            tenant_code=tenant.code,
            object_type="user",
            object_id=str(user.pk),
            detail={"role": role, "department": department.code if department else ""},
        )
    return user


def do_set_account_active(*, actor: Actor, operator: User, tenant: Tenant, user: User, active: bool) -> User:
    require(operator, Permission.MANAGE_STAFF, tenant=tenant, actor=actor, what="set_active")
    if user.tenant_id != tenant.id:
        raise ValidationFailed(IdentityErrorCode.USER_NOT_FOUND, _("No such account."))
    with databases.action():
        user.is_active = active
        if not active:
            user.session_generation += 1  # disabling ends every session at once
        user.save(update_fields=["is_active", "session_generation"])
        record_action(
            actor=actor,
            action=IdentityAudit.ENABLE if active else IdentityAudit.DISABLE,
            tenant_code=tenant.code,
            object_type="user",
            object_id=str(user.pk),
        )
    return user


REVEALABLE = {
    "id_number": "id_number_encrypted",
    "phone": "phone_encrypted",
    "real_name": "real_name_encrypted",
}


def do_reveal_personal_data(*, actor: Actor, viewer: User, tenant: Tenant, user: User, field: str) -> str:
    """The full value of a protected field, for a viewer allowed to see it; every reveal is
    recorded (who, whose, which field), refused ones too."""
    require(viewer, Permission.REVEAL_PERSONAL_DATA, tenant=tenant, actor=actor, what=f"reveal:{field}")
    if user.tenant_id != tenant.id or field not in REVEALABLE:
        raise ValidationFailed(IdentityErrorCode.USER_NOT_FOUND, _("No such account."))
    stored = getattr(user, REVEALABLE[field])
    with databases.action():
        record_action(
            actor=actor,
            action=IdentityAudit.REVEAL,
            tenant_code=tenant.code,
            object_type="user",
            object_id=str(user.pk),
            detail={"field": field},
        )
    return decrypt(stored) if stored else ""


def do_export_personal_data(*, actor: Actor, user: User, password: str) -> dict[str, Any]:
    """Everything held about the account's owner, with the protected values in full: the
    owner confirms with the password, and the export is recorded."""
    if not user.check_password(password):
        raise ValidationFailed(
            IdentityErrorCode.PASSWORD_WRONG, _("The current password is wrong."), field="password"
        )
    data = personal_data(user)
    data["account"].update(
        phone=decrypt(user.phone_encrypted),
        real_name=decrypt(user.real_name_encrypted) if user.real_name_encrypted else "",
        id_number=decrypt(user.id_number_encrypted) if user.id_number_encrypted else "",
    )
    with databases.action():
        record_action(
            actor=actor,
            action=IdentityAudit.EXPORT,
            tenant_code=user.tenant.code if user.tenant else "",
            object_type="user",
            object_id=str(user.pk),
        )
    return data
