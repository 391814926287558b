"""Identity endpoints of the public API."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from onestop.core.api import ErrorOut
from onestop.core.errors import OnestopError
from onestop.identity.access import current_user
from onestop.identity.error_codes import IdentityErrorCode
from onestop.tenancy.access import access_tenant_by_code

router = Router(tags=["identity"])


class NotLoggedIn(OnestopError):
    status = 401


class ProfileOut(Schema):
    """The logged-in account, protected values masked."""

    phone: str
    real_name: str
    id_number: str
    trust_level: int


@router.get(
    "/tenants/{tenant}/me",
    response={200: ProfileOut, 401: ErrorOut, 404: ErrorOut},
    summary="The logged-in citizen's profile (session cookie)",
)
def me(request: HttpRequest, tenant: str) -> ProfileOut:
    owner = access_tenant_by_code(tenant)
    user = current_user(request, owner)
    if user is None:
        raise NotLoggedIn(IdentityErrorCode.NOT_LOGGED_IN, _("Log in first."))
    return ProfileOut(
        phone=user.phone_masked,
        real_name=user.real_name_masked,
        id_number=user.id_number_masked,
        trust_level=user.trust_level,
    )
