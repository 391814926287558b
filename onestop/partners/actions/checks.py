"""The checks the open platform's actions share: scopes by name, a partner's member, a
tenant's operator."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from onestop.core.errors import Forbidden, NotFound, ValidationFailed
from onestop.core.scopes import Scope
from onestop.identity.permissions import Permission, has_permission
from onestop.partners.error_codes import PartnerErrorCode
from onestop.partners.models import (
    Partner,
)

if TYPE_CHECKING:
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant


ALL_SCOPES = frozenset(Scope.values)


def valid_scopes(values: Iterable[str], *, field: str = "scopes") -> list[str]:
    chosen = sorted({v.strip() for v in values if v.strip()})
    if unknown := [v for v in chosen if v not in ALL_SCOPES]:
        raise ValidationFailed(
            PartnerErrorCode.SCOPE_INVALID,
            _("Unknown scope: %(scope)s.") % {"scope": unknown[0]},
            field=field,
        )
    return chosen


def check_member(user: User, partner: Partner) -> None:
    if not partner.members.filter(pk=user.pk).exists():
        raise NotFound(PartnerErrorCode.PARTNER_NOT_FOUND, _("No such partner."))


def check_operator(operator: User, tenant: Tenant) -> None:
    if not has_permission(operator, Permission.MANAGE_PARTNERS, tenant=tenant):
        raise Forbidden(PartnerErrorCode.PERMISSION_DENIED, _("You do not have permission to do this."))
