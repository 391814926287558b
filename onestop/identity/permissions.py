"""What each role may do. Checks name a tenant (and a department for department work):
a role grants nothing outside its own scope."""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings

from onestop.identity.models import Role, RoleKind, User
from onestop.tenancy.models import Department, Tenant


class Permission(StrEnum):
    CONSOLE = "console.view"
    HANDLE_CASES = "cases.handle"
    ESCALATIONS = "cases.escalations"
    REVOKE_CERTIFICATES = "certificates.revoke"
    MANAGE_STAFF = "staff.manage"
    VIEW_USERS = "users.view"
    REVEAL_PERSONAL_DATA = "personal_data.reveal"
    VIEW_SMS = "sms.view"
    VIEW_AUDIT = "audit.view"
    MANAGE_PARTNERS = "partners.manage"
    VIEW_DASHBOARD = "dashboard.view"


_DEPARTMENT_WORK = {Permission.CONSOLE, Permission.HANDLE_CASES}
GRANTS: dict[str, frozenset[Permission]] = {
    RoleKind.OFFICER: frozenset(_DEPARTMENT_WORK),
    # A head revokes the certificates of their department (checked with that department).
    RoleKind.DEPARTMENT_HEAD: frozenset(
        _DEPARTMENT_WORK | {Permission.ESCALATIONS, Permission.REVOKE_CERTIFICATES}
    ),
    RoleKind.TENANT_OPERATOR: frozenset(
        {
            Permission.CONSOLE,
            Permission.MANAGE_STAFF,
            Permission.VIEW_USERS,
            Permission.REVEAL_PERSONAL_DATA,
            Permission.VIEW_SMS,
            Permission.VIEW_AUDIT,
            Permission.MANAGE_PARTNERS,
            Permission.VIEW_DASHBOARD,
        }
    ),
    RoleKind.PLATFORM_OPERATOR: frozenset(Permission),
}


def roles_of(user: User) -> list[Role]:
    cached: list[Role] | None = getattr(user, "_roles_cache", None)
    if cached is None:
        cached = list(user.roles.select_related("department"))
        user._roles_cache = cached  # type: ignore[attr-defined]
    return cached


def has_permission(
    user: User, permission: Permission, *, tenant: Tenant, department: Department | None = None
) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    for role in roles_of(user):
        if permission not in GRANTS.get(role.kind, frozenset()):
            continue
        if role.kind == RoleKind.PLATFORM_OPERATOR:
            return True
        if role.tenant_id != tenant.id:
            continue
        if role.department_id is None or department is None or role.department_id == department.id:
            return True
    return False


def departments_of(user: User, tenant: Tenant) -> list[Department]:
    return [r.department for r in roles_of(user) if r.tenant_id == tenant.id and r.department]


def is_platform_operator(user: User) -> bool:
    """Whether the account operates the whole platform (every tenant)."""
    return (
        user.is_authenticated
        and user.is_active
        and any(role.kind == RoleKind.PLATFORM_OPERATOR for role in roles_of(user))
    )


def may_read_sandbox_outbox(user: User, tenant: Tenant) -> bool:
    """Staff of the tenant; in the developer sandbox tenant every account, since its people
    are fake. (Codes in the outbox are shown only to the phone they went to.)"""
    if tenant.code == settings.ONESTOP_SANDBOX_TENANT:
        return user.is_authenticated and user.is_active
    return has_permission(user, Permission.CONSOLE, tenant=tenant)
