"""The online forms of service items, published as schemas."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from onestop.catalogue.audit import CatalogueAudit
from onestop.catalogue.error_codes import CatalogueErrorCode
from onestop.catalogue.models import (
    ServiceForm,
    ServiceItem,
)
from onestop.core import databases
from onestop.core.actors import Actor
from onestop.core.audit import record_action
from onestop.core.errors import ValidationFailed
from onestop.tenancy.models import Tenant


def do_publish_service_forms(*, actor: Actor, tenant: Tenant, forms: dict[str, dict[str, Any]]) -> int:
    """Publish application forms by item code; a form that differs from the item's
    current one becomes its next version. Every schema is checked first."""
    with databases.action():
        return publish_service_forms(actor=actor, tenant=tenant, forms=forms)


def publish_service_forms(*, actor: Actor, tenant: Tenant, forms: dict[str, dict[str, Any]]) -> int:
    """The step itself, in the caller's transaction."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    items = {i.code: i for i in ServiceItem.objects.filter(tenant=tenant, code__in=list(forms))}
    for code, schema in forms.items():
        if code not in items:
            raise ValidationFailed(
                CatalogueErrorCode.ITEM_UNKNOWN,
                _("Unknown item."),
                field="item",
                params={"item": code},
            )
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as error:
            raise ValidationFailed(
                CatalogueErrorCode.FORM_INVALID,
                _("The form is not a valid JSON Schema."),
                field="schema",
                params={"item": code, "error": error.message},
            ) from None
        fields = set(schema.get("properties", {}))
        stepped = [f for step in schema.get("x-steps", []) for f in step.get("fields", [])]
        if sorted(stepped) != sorted(fields) or len(stepped) != len(set(stepped)):
            raise ValidationFailed(
                CatalogueErrorCode.FORM_INVALID,
                _("Every field of the form belongs to exactly one step."),
                field="schema",
                params={"item": code},
            )
    current = {
        f.item_id: f
        for f in ServiceForm.objects.of(tenant)
        .filter(item__in=items.values())
        .order_by("item_id", "-version")
    }
    written = []
    for code, schema in forms.items():
        item = items[code]
        latest = current.get(item.pk)
        if latest is not None and latest.schema == schema:
            continue
        written.append(
            ServiceForm(
                tenant=tenant,
                item=item,
                version=(latest.version + 1) if latest else 1,
                schema=schema,
            )
        )
    ServiceForm.objects.bulk_create(written, batch_size=500)
    record_action(
        actor=actor,
        action=CatalogueAudit.PUBLISH_FORMS,
        tenant_code=tenant.code,
        object_type="service_form",
        detail={"count": len(written)},
    )
    return len(written)
