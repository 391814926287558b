"""Partners and their admission to tenants: registered with a valid credit code, admitted
by the tenant's operator with the scopes it allows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.core import databases
from onestop.core.actors import Actor
from onestop.core.audit import record_action
from onestop.core.errors import Conflict, ValidationFailed
from onestop.partners.actions.checks import ALL_SCOPES, check_member, check_operator, valid_scopes
from onestop.partners.audit import PartnersAudit
from onestop.partners.creditcode import credit_code_is_valid
from onestop.partners.error_codes import PartnerErrorCode
from onestop.partners.models import (
    Admission,
    AdmissionState,
    App,
    AppGrant,
    Partner,
    Token,
)
from onestop.tenancy.access import directory
from onestop.tenancy.models import TenantKind
from onestop.tenancy.routing import tenant_database

if TYPE_CHECKING:
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant


def do_register_partner(
    *, actor: Actor, user: User, name: str, credit_code: str, contact_email: str = ""
) -> Partner:
    """A partner organisation, with ``user`` as its first member; it is admitted at once to
    every sandbox tenant, with every scope, to try everything on fake data."""
    name, code = name.strip(), credit_code.strip().upper()
    if not name:
        raise ValidationFailed(PartnerErrorCode.NAME_REQUIRED, _("Enter a name."), field="name")
    if not credit_code_is_valid(code):
        raise ValidationFailed(
            PartnerErrorCode.CREDIT_CODE_INVALID,
            _("This is not a valid unified social credit code."),
            field="credit_code",
        )
    try:
        with databases.action():
            partner = Partner.objects.create(name=name, credit_code=code, contact_email=contact_email)
            partner.members.add(user)
            for sandbox in directory().filter(kind=TenantKind.SANDBOX):
                with tenant_database(sandbox.code):
                    Admission.objects.create(
                        tenant=sandbox,
                        partner=partner,
                        state=AdmissionState.APPROVED,
                        scopes=sorted(ALL_SCOPES),
                        decided_at=timezone.now(),
                        note="sandbox",
                    )
            record_action(
                actor=actor,
                action=PartnersAudit.REGISTER,
                object_type="partner",
                object_id=str(partner.pk),
                detail={"name": name},
            )
    except IntegrityError:
        raise ValidationFailed(
            PartnerErrorCode.CREDIT_CODE_TAKEN,
            _("A partner with this credit code is registered already."),
            field="credit_code",
        ) from None
    return partner


def do_request_admission(*, actor: Actor, user: User, partner: Partner, tenant: Tenant) -> Admission:
    check_member(user, partner)
    try:
        with databases.action():
            admission = Admission.objects.create(tenant=tenant, partner=partner, state=AdmissionState.PENDING)
            record_action(
                actor=actor,
                action=PartnersAudit.REQUEST_ADMISSION,
                tenant_code=tenant.code,
                object_type="partner",
                object_id=str(partner.pk),
            )
    except IntegrityError:
        raise Conflict(
            PartnerErrorCode.ADMISSION_EXISTS, _("The partner has asked this tenant already.")
        ) from None
    return admission


def do_decide_admission(
    *,
    actor: Actor,
    operator: User,
    admission: Admission,
    state: str,
    scopes: Sequence[str] = (),
    note: str = "",
) -> Admission:
    """Approve (with the scopes the partner's apps may have here), reject or suspend. A
    narrower approval narrows every grant; suspending or rejecting ends the partner's
    tokens in the tenant."""
    tenant = admission.tenant
    check_operator(operator, tenant)
    if state not in {AdmissionState.APPROVED, AdmissionState.REJECTED, AdmissionState.SUSPENDED}:
        raise ValidationFailed(PartnerErrorCode.DECISION_INVALID, _("Choose a decision."), field="state")
    allowed = valid_scopes(scopes) if state == AdmissionState.APPROVED else []
    now = timezone.now()
    with databases.action():
        admission = Admission.objects.of(admission.tenant_id).select_for_update().get(pk=admission.pk)
        admission.state, admission.scopes, admission.note = state, allowed, note.strip()[:500]
        admission.decided_at, admission.decided_by = now, operator
        admission.save()
        apps = list(App.objects.filter(partner_id=admission.partner_id).values_list("id", flat=True))
        for grant in AppGrant.objects.select_for_update().filter(tenant=tenant, app_id__in=apps):
            grant.scopes = sorted(set(grant.scopes) & set(allowed))
            grant.save(update_fields=["scopes"])
        if state != AdmissionState.APPROVED:
            Token.objects.filter(tenant=tenant, app_id__in=apps, revoked_at__isnull=True).update(
                revoked_at=now
            )
        record_action(
            actor=actor,
            action=PartnersAudit(f"partners.admission.{state}"),
            tenant_code=tenant.code,
            object_type="partner",
            object_id=str(admission.partner_id),
            detail={"scopes": allowed},
        )
    return admission
