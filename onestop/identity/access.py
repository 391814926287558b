"""Reads of accounts, always within one tenant, and the actor of a request."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onestop.core.actors import Actor, ActorKind
from onestop.core.errors import NotFound
from onestop.core.models import AuditEntry
from onestop.core.rows import ByKey
from onestop.core.transparency import AuditSubject
from onestop.identity.error_codes import IdentityErrorCode
from onestop.identity.models import AccountKind, User, VerificationRecord, id_number_hash
from onestop.messaging.access import sandbox_messages
from onestop.tenancy.models import Tenant


def client_address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def actor_for(user: User | None, request: HttpRequest | None = None) -> Actor:
    address = client_address(request) if request is not None else None
    if user is None or not user.is_authenticated:
        return Actor.anonymous(address)
    return Actor(
        kind=ActorKind.USER,
        id=str(user.pk),
        label=user.display_name or user.phone_masked,
        address=address,
    )


def reveals_of(user: User) -> AuditSubject:
    """The audit entries of the reveals of the account's personal data (by staff)."""
    return AuditSubject(action="identity.reveal", object_type="user", object_ids=(str(user.pk),))


def current_user(request: HttpRequest, tenant: Tenant) -> User | None:
    """The logged-in account if it belongs to this tenant (or to the platform)."""
    user = request.user
    if not user.is_authenticated or not isinstance(user, User):
        return None
    if user.tenant_id not in (None, tenant.id):
        return None
    return user


def citizens_of(tenant: Tenant) -> QuerySet[User]:
    return User.objects.filter(tenant=tenant, kind=AccountKind.CITIZEN)


def staff_of(tenant: Tenant) -> QuerySet[User]:
    return User.objects.filter(tenant=tenant, kind=AccountKind.STAFF).prefetch_related("roles__department")


# An account by id, from a statement compiled once: read for every request of a signed-in
# person and for every message the background worker sends.
ACCOUNT_BY_ID = ByKey(User)


def account_of(tenant: Tenant, user_id: object) -> User | None:
    """A tenant's account by id, or None (for background work: nothing to refuse)."""
    try:
        user = ACCOUNT_BY_ID.get(int(str(user_id)))
    except ValueError:
        return None
    return user if user is not None and user.tenant_id == tenant.pk else None


def accounts_by_id(tenant: Tenant, ids: Iterable[int]) -> dict[int, User]:
    """A tenant's accounts by id, for work on many at once."""
    return User.objects.filter(tenant=tenant).in_bulk(set(ids))


def access_user(tenant: Tenant, user_id: int | str) -> User:
    try:
        user = User.objects.filter(tenant=tenant, pk=int(user_id)).first()
    except (TypeError, ValueError):
        user = None
    if user is None:
        raise NotFound(IdentityErrorCode.USER_NOT_FOUND, _("No such account."))
    return user


def verified_id_numbers(tenant: Tenant, id_numbers: Iterable[str]) -> set[str]:
    """Those of ``id_numbers`` that an account of the tenant holds, found by their keyed
    hashes as verification stores them (no column holds an ID number to compare)."""
    numbers = {id_number_hash(n): n for n in id_numbers}
    held = User.objects.filter(tenant=tenant, id_number_hash__in=list(numbers)).values_list(
        "id_number_hash", flat=True
    )
    return {numbers[h] for h in held}


def verification_history(user: User) -> QuerySet[VerificationRecord]:
    return user.verifications.all()


def personal_data(user: User) -> dict[str, Any]:
    """Everything the platform holds about an account's owner, protected values masked:
    the account, verifications, roles, the audit entries about it and the messages sent."""
    audit = AuditEntry.objects.filter(
        Q(actor_kind="user", actor_id=str(user.pk)) | Q(object_type="user", object_id=str(user.pk))
    ).order_by("-sequence")[:500]
    return {
        "account": {
            "id": user.pk,
            "tenant": user.tenant.code if user.tenant else "",
            "kind": user.kind,
            "phone": user.phone_masked,
            "real_name": user.real_name_masked,
            "id_number": user.id_number_masked,
            "trust_level": int(user.trust_level),
            "verified_at": user.verified_at.isoformat() if user.verified_at else None,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "is_active": user.is_active,
        },
        "verifications": [
            {
                "level": v.level,
                "method": v.method,
                "provider": v.provider,
                "outcome": v.outcome,
                "at": v.at.isoformat(),
            }
            for v in verification_history(user)
        ],
        "roles": [
            {
                "role": r.kind,
                "tenant": r.tenant.code if r.tenant else "",
                "department": r.department.name if r.department else "",
            }
            for r in user.roles.select_related("tenant", "department")
        ],
        "activity": [
            {
                "at": e.occurred_at.isoformat(),
                "action": e.action,
                "outcome": e.outcome,
                "address": e.address or "",
            }
            for e in audit
        ],
        "messages": [
            {"at": m.sent_at.isoformat(), "text": m.text}
            for m in (
                sandbox_messages(user.tenant).filter(phone_hash=user.phone_hash)[:200] if user.tenant else []
            )
        ],
    }


def recent_audit(tenant: Tenant, *, limit: int = 200) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(tenant_code=tenant.code).order_by("-sequence")[:limit]
