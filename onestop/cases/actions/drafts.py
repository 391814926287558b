"""Applications before they are submitted: the draft, its answers and its uploads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.cases import formschema, uploads
from onestop.cases.audit import CasesAudit
from onestop.cases.error_codes import CaseErrorCode
from onestop.cases.models import (
    Application,
    Upload,
)
from onestop.catalogue.access import current_form
from onestop.core import databases
from onestop.core.audit import record_action
from onestop.core.errors import ValidationFailed

if TYPE_CHECKING:
    from onestop.catalogue.models import ServiceItem
    from onestop.core.actors import Actor
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant


def _locked_draft(application: Application) -> Application:
    """The application, still a draft, locked for this transaction (else DoesNotExist)."""
    return (
        Application.objects.of(application.tenant_id)
        .select_for_update()
        .get(pk=application.pk, submitted_at__isnull=True)
    )


def do_start_application(*, actor: Actor, user: User, tenant: Tenant, item: ServiceItem) -> Application:
    """The applicant's open draft for the item, or a new one on the item's current form."""
    with databases.action():
        return _start_application(actor=actor, user=user, tenant=tenant, item=item)


def _start_application(
    *, actor: Actor, user: User, tenant: Tenant, item: ServiceItem, audit: bool = True
) -> Application:
    draft = Application.objects.filter(
        tenant=tenant, applicant=user, item=item, submitted_at__isnull=True
    ).first()
    if draft is not None:
        return draft
    draft = Application.objects.create(
        tenant=tenant, applicant=user, item=item, form_version=current_form(item).version
    )
    if audit:
        record_action(
            actor=actor,
            action=CasesAudit.START_APPLICATION,
            tenant_code=tenant.code,
            object_type="application",
            object_id=str(draft.pk),
            detail={"item": item.code},
        )
    return draft


def do_save_answers(*, actor: Actor, application: Application, answers: dict[str, Any]) -> Application:
    """Keep a step's answers in the draft (already checked by that step's form)."""
    with databases.action():
        return _save_answers(actor=actor, application=application, answers=answers)


def _save_answers(
    *, actor: Actor, application: Application, answers: dict[str, Any], audit: bool = True
) -> Application:
    draft = _locked_draft(application)
    draft.data = {**draft.data, **{k: formschema.to_json(v) for k, v in answers.items()}}
    draft.updated_at = timezone.now()
    draft.save(update_fields=["data", "updated_at"])
    if audit:
        record_action(
            actor=actor,
            action=CasesAudit.SAVE_DRAFT,
            tenant_code=draft.tenant.code,
            object_type="application",
            object_id=str(draft.pk),
            detail={"fields": sorted(answers)},
        )
    return draft


MAX_MATERIAL_ORDER = 999


def do_attach_upload(
    *,
    actor: Actor,
    owner: User,
    tenant: Tenant,
    content: bytes,
    original_name: str,
    material_order: int,
    application: Application | None = None,
) -> Upload:
    if not 0 <= material_order <= MAX_MATERIAL_ORDER:
        raise ValidationFailed(CaseErrorCode.MATERIAL_UNKNOWN, _("No such material."), field="material_order")
    checked = uploads.check_file(content)
    if checked == "too_large":
        raise ValidationFailed(
            CaseErrorCode.UPLOAD_TOO_LARGE, _("A file may have at most 10 MB."), field="file"
        )
    if checked == "pixels":
        raise ValidationFailed(
            CaseErrorCode.UPLOAD_IMAGE_TOO_LARGE,
            _("An image may have at most 10,000 pixels on a side and 40 million in all."),
            field="file",
        )
    if isinstance(checked, str):
        raise ValidationFailed(
            CaseErrorCode.UPLOAD_INVALID, _("Upload a PDF, JPEG or PNG file."), field="file"
        )
    with databases.action():
        upload = Upload.objects.create(
            tenant=tenant,
            owner=owner,
            application=application,
            material_order=material_order,
            storage_name=uploads.store(tenant.code, checked),
            original_name=original_name[:200],
            content_type=checked.content_type,
            size=len(checked.content),
            sha256=checked.sha256,
        )
        record_action(
            actor=actor,
            action=CasesAudit.UPLOAD,
            tenant_code=tenant.code,
            object_type="upload",
            object_id=str(upload.pk),
            detail={"material": material_order, "size": upload.size},
        )
    return upload


def do_claim_uploads(*, actor: Actor, application: Application, upload_ids: list[int]) -> int:
    """Files the applicant uploaded before the draft existed (through the API) join it;
    another person's uploads are left alone."""
    with databases.action():
        return _claim_uploads(actor=actor, application=application, upload_ids=upload_ids)


def _claim_uploads(
    *, actor: Actor, application: Application, upload_ids: list[int], audit: bool = True
) -> int:
    claimed = Upload.objects.filter(
        tenant=application.tenant, owner=application.applicant, pk__in=upload_ids
    ).update(application=application)
    if claimed and audit:
        record_action(
            actor=actor,
            action=CasesAudit.CLAIM_UPLOADS,
            tenant_code=application.tenant.code,
            object_type="application",
            object_id=str(application.pk),
            detail={"count": claimed},
        )
    return claimed


def do_use_wallet_certificate(
    *, actor: Actor, application: Application, material_order: int, credential_id: str
) -> Application:
    """Meet a material with a certificate from the applicant's wallet instead of an upload
    (the caller has checked that the certificate is the applicant's and valid)."""
    with databases.action():
        draft = _locked_draft(application)
        draft.wallet = {**draft.wallet, str(material_order): credential_id}
        draft.updated_at = timezone.now()
        draft.save(update_fields=["wallet", "updated_at"])
        record_action(
            actor=actor,
            action=CasesAudit.USE_WALLET_CERTIFICATE,
            tenant_code=draft.tenant.code,
            object_type="application",
            object_id=str(draft.pk),
            detail={"material": material_order},
        )
    return draft


def do_consent_to_fetch(
    *, actor: Actor, application: Application, material_order: int, consent: bool
) -> Application:
    """Let the department fetch a material from the department that issues it, instead
    of an upload; the consent is part of the application and of its audit record."""
    with databases.action():
        draft = _locked_draft(application)
        orders = {int(o) for o in draft.fetch}
        orders = orders | {material_order} if consent else orders - {material_order}
        draft.fetch, draft.updated_at = sorted(orders), timezone.now()
        draft.save(update_fields=["fetch", "updated_at"])
        record_action(
            actor=actor,
            action=CasesAudit.CONSENT_TO_FETCH if consent else CasesAudit.WITHDRAW_FETCH,
            tenant_code=draft.tenant.code,
            object_type="application",
            object_id=str(draft.pk),
            detail={"material": material_order},
        )
    return draft
