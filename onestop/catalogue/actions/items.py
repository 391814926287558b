"""Service items: published from an implementation list (every entry checked before any
is written), withdrawn, handed to a partner's back office."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.catalogue import events, search, search_index
from onestop.catalogue.access import catalogue_changed
from onestop.catalogue.audit import CatalogueAudit
from onestop.catalogue.error_codes import CatalogueErrorCode
from onestop.catalogue.models import (
    Audience,
    BusinessVariant,
    ExerciseLevel,
    ItemStatus,
    ItemType,
    Material,
    MaterialForm,
    ProcessStep,
    SearchTerm,
    ServiceItem,
    Theme,
)
from onestop.catalogue.specs import ServiceItemSpec
from onestop.core import databases
from onestop.core.actors import Actor
from onestop.core.audit import Event, record_action
from onestop.core.errors import NotFound, ValidationFailed
from onestop.core.trust import TrustLevel
from onestop.tenancy.models import Department, Tenant

ITEM_CODE_RE = re.compile(r"^[A-Za-z0-9-]{4,40}$")


MAX_LIMIT_DAYS = 365


MAX_VISITS = 5


_ITEM_FIELDS = [
    "name",
    "name_en",
    "sub_item",
    "variant",
    "item_type",
    "department",
    "exercise_level",
    "audience",
    "summary",
    "legal_basis",
    "acceptance_conditions",
    "statutory_limit_days",
    "committed_limit_days",
    "fee_amount",
    "fee_basis",
    "places",
    "consultation_phone",
    "complaint_phone",
    "visits_required",
    "online_depth",
    "min_trust_level",
    "keywords",
    "popularity",
    "issues_paper_licence",
    "status",
    "version",
    "updated_at",
]


def _invalid(code: CatalogueErrorCode, message: Any, spec: ServiceItemSpec, field: str) -> ValidationFailed:
    return ValidationFailed(code, message, field=field, params={"item": spec.code})


def _check_item(spec: ServiceItemSpec, departments: dict[str, Department], themes: set[str]) -> None:
    def choice(value: object, choices: list[Any], field: str) -> None:
        if value not in choices:
            raise _invalid(
                CatalogueErrorCode.ITEM_FIELD_INVALID,
                _("Item %(item)s: %(field)s has an unknown value.") % {"item": spec.code, "field": field},
                spec,
                field,
            )

    if not ITEM_CODE_RE.match(spec.code):
        raise _invalid(
            CatalogueErrorCode.ITEM_CODE_INVALID,
            _("An item code is 4 to 40 letters, digits or hyphens."),
            spec,
            "code",
        )
    if not spec.name.strip() or len(spec.name) > 128:
        raise _invalid(
            CatalogueErrorCode.ITEM_FIELD_INVALID,
            _("Item %(item)s: the name must have 1 to 128 characters.") % {"item": spec.code},
            spec,
            "name",
        )
    choice(spec.item_type, ItemType.values, "item_type")
    choice(spec.variant, BusinessVariant.values, "variant")
    choice(spec.exercise_level, ExerciseLevel.values, "exercise_level")
    choice(spec.audience, Audience.values, "audience")
    choice(spec.min_trust_level, TrustLevel.values, "min_trust_level")
    for material in spec.materials:
        choice(material.form, MaterialForm.values, "materials.form")
        if material.quantity < 1:
            raise _invalid(
                CatalogueErrorCode.ITEM_FIELD_INVALID,
                _("Item %(item)s: a material's quantity is at least 1.") % {"item": spec.code},
                spec,
                "materials.quantity",
            )
    if spec.department_code not in departments:
        raise _invalid(
            CatalogueErrorCode.DEPARTMENT_UNKNOWN,
            _("Item %(item)s: unknown department.") % {"item": spec.code},
            spec,
            "department_code",
        )
    unknown_themes = set(spec.themes) - themes
    if unknown_themes:
        raise _invalid(
            CatalogueErrorCode.THEME_UNKNOWN,
            _("Item %(item)s: unknown theme.") % {"item": spec.code},
            spec,
            "themes",
        )
    if not (0 <= spec.committed_limit_days <= spec.statutory_limit_days <= MAX_LIMIT_DAYS):
        raise _invalid(
            CatalogueErrorCode.ITEM_LIMITS_INCONSISTENT,
            _("Item %(item)s: the committed limit must not exceed the statutory limit.")
            % {"item": spec.code},
            spec,
            "committed_limit_days",
        )
    visit_steps = sum(step.requires_visit for step in spec.steps)
    if (
        not spec.steps
        or not (0 <= spec.visits_required <= MAX_VISITS)
        or ((spec.visits_required == 0) != (visit_steps == 0))
    ):
        # "Zero trips" must be true of the process, not just of a number: an item counts as
        # zero-trip only when none of its steps needs a visit.
        raise _invalid(
            CatalogueErrorCode.ITEM_VISITS_INCONSISTENT,
            _("Item %(item)s: the number of visits does not agree with the process steps.")
            % {"item": spec.code},
            spec,
            "visits_required",
        )
    if spec.fee_amount < 0:
        raise _invalid(
            CatalogueErrorCode.ITEM_FIELD_INVALID,
            _("Item %(item)s: the fee cannot be negative.") % {"item": spec.code},
            spec,
            "fee_amount",
        )


def do_publish_service_items(
    *,
    actor: Actor,
    tenant: Tenant,
    items: Sequence[ServiceItemSpec],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Publish items of an implementation list: new codes are created, known codes get a
    new version with their materials, steps, themes and search terms replaced.

    Every item is checked before anything is written: a list with one bad entry changes
    nothing.
    """
    with databases.action():
        return publish_service_items(actor=actor, tenant=tenant, items=items, progress=progress)


def publish_service_items(
    *,
    actor: Actor,
    tenant: Tenant,
    items: Sequence[ServiceItemSpec],
    progress: Callable[[int], None] | None = None,
) -> int:
    """The step itself, in the caller's transaction."""
    departments = {d.code: d for d in Department.objects.filter(tenant=tenant)}
    themes = {t.code: t for t in Theme.objects.filter(tenant=tenant)}
    seen: set[str] = set()
    for spec in items:
        _check_item(spec, departments, set(themes))
        if spec.code in seen:
            raise _invalid(
                CatalogueErrorCode.ITEM_CODE_DUPLICATE,
                _("Item %(item)s appears twice.") % {"item": spec.code},
                spec,
                "code",
            )
        seen.add(spec.code)
    now = timezone.now()
    existing = {i.code: i for i in ServiceItem.objects.filter(tenant=tenant, code__in=seen)}
    rows: list[ServiceItem] = []
    for spec in items:
        item = existing.get(spec.code)
        version = item.version + 1 if item else 1
        item = item or ServiceItem(tenant=tenant, code=spec.code)
        _fill_item(item, spec, departments[spec.department_code], version, now)
        rows.append(item)
    created = [item for item in rows if item.pk is None]
    ServiceItem.objects.bulk_create(created, batch_size=500)
    ServiceItem.objects.bulk_update(
        [item for item in rows if item.code in existing], _ITEM_FIELDS, batch_size=500
    )
    item_ids = [item.pk for item in rows]
    Material.objects.filter(tenant=tenant, item_id__in=item_ids).delete()
    ProcessStep.objects.filter(tenant=tenant, item_id__in=item_ids).delete()
    SearchTerm.objects.filter(tenant=tenant, item_id__in=item_ids).delete()
    ServiceItem.themes.through.objects.filter(serviceitem_id__in=item_ids).delete()

    materials: list[Material] = []
    steps: list[ProcessStep] = []
    terms: list[SearchTerm] = []
    indexed: dict[int, dict[str, int]] = {}
    links: list[Any] = []
    for done, (item, spec) in enumerate(zip(rows, items, strict=True), start=1):
        materials.extend(
            Material(
                tenant=tenant,
                item=item,
                order=order,
                name=m.name,
                form=m.form,
                quantity=m.quantity,
                required=m.required,
                notes=m.notes,
                certificate_type=m.certificate_type,
                filled_online=m.filled_online,
            )
            for order, m in enumerate(spec.materials)
        )
        steps.extend(
            ProcessStep(
                tenant=tenant,
                item=item,
                order=order,
                name=s.name,
                description=s.description,
                requires_visit=s.requires_visit,
            )
            for order, s in enumerate(spec.steps)
        )
        department = departments[spec.department_code]
        weights = search.item_terms(
            code=spec.code,
            name=spec.name,
            name_en=spec.name_en,
            sub_item=spec.sub_item,
            keywords=spec.keywords,
            department_names=(department.name, department.short_name),
        )
        terms.extend(
            SearchTerm(tenant=tenant, item=item, term=term, weight=weight) for term, weight in weights.items()
        )
        indexed[item.pk] = weights
        links.extend(
            ServiceItem.themes.through(serviceitem_id=item.pk, theme_id=themes[code].pk)
            for code in spec.themes
        )
        if progress:
            progress(done)
    Material.objects.bulk_create(materials, batch_size=1000)
    ProcessStep.objects.bulk_create(steps, batch_size=1000)
    SearchTerm.objects.bulk_create(terms, batch_size=2000)
    search_index.replace_entries(tenant.pk, indexed)
    ServiceItem.themes.through.objects.bulk_create(links, batch_size=1000)
    catalogue_changed(tenant)
    record_action(
        actor=actor,
        action=CatalogueAudit.PUBLISH_SERVICE_ITEMS,
        tenant_code=tenant.code,
        object_type="service_item",
        detail={"created": len(created), "updated": len(rows) - len(created)},
        events=[
            Event(
                events.SERVICE_ITEM_PUBLISHED,
                {"tenant": tenant.code, "code": item.code, "version": item.version},
            )
            for item in rows
        ],
    )
    return len(rows)


def _fill_item(
    item: ServiceItem, spec: ServiceItemSpec, department: Department, version: int, now: Any
) -> None:
    item.name, item.name_en, item.sub_item = spec.name, spec.name_en, spec.sub_item
    item.variant, item.item_type = spec.variant, spec.item_type
    item.department, item.exercise_level = department, spec.exercise_level
    item.audience, item.summary = spec.audience, spec.summary
    item.legal_basis = spec.legal_basis
    item.acceptance_conditions = spec.acceptance_conditions
    item.statutory_limit_days = spec.statutory_limit_days
    item.committed_limit_days = spec.committed_limit_days
    item.fee_amount, item.fee_basis = spec.fee_amount, spec.fee_basis
    item.places = [
        {"name": p.name, "address": p.address, "hours": p.hours, "phone": p.phone} for p in spec.places
    ]
    item.consultation_phone = spec.consultation_phone
    item.complaint_phone = spec.complaint_phone
    item.visits_required, item.online_depth = spec.visits_required, spec.online_depth
    item.min_trust_level = spec.min_trust_level
    item.keywords = ",".join(spec.keywords)
    item.popularity = spec.popularity
    item.issues_paper_licence = spec.issues_paper_licence
    item.status, item.version, item.updated_at = ItemStatus.PUBLISHED, version, now


def do_withdraw_service_item(*, actor: Actor, tenant: Tenant, code: str, reason: str) -> ServiceItem:
    """Take an item out of the catalogue; its record stays for the cases that cite it."""
    with databases.action():
        item = (
            ServiceItem.objects.select_for_update()
            .filter(tenant=tenant, code=code, status=ItemStatus.PUBLISHED)
            .first()
        )
        if item is None:
            raise NotFound(CatalogueErrorCode.SERVICE_ITEM_NOT_FOUND, _("No such service item."))
        item.status = ItemStatus.WITHDRAWN
        item.updated_at = timezone.now()
        item.save(update_fields=["status", "updated_at"])
        catalogue_changed(tenant)
        record_action(
            actor=actor,
            action=CatalogueAudit.WITHDRAW_SERVICE_ITEM,
            tenant_code=tenant.code,
            object_type="service_item",
            object_id=code,
            detail={"reason": reason},
            events=[Event(events.SERVICE_ITEM_WITHDRAWN, {"tenant": tenant.code, "code": code})],
        )
    return item


def do_set_back_office(*, actor: Actor, tenant: Tenant, codes: Sequence[str], app_client_id: str) -> int:
    """Hand the cases of these items to a partner app's back office (``app_client_id``), or
    back to the console (empty). Cases already filed stay where they are."""
    with databases.action():
        return set_back_office(actor=actor, tenant=tenant, codes=codes, app_client_id=app_client_id)


def set_back_office(*, actor: Actor, tenant: Tenant, codes: Sequence[str], app_client_id: str) -> int:
    """The step itself, in the caller's transaction (installing a service module, say)."""
    items = ServiceItem.objects.select_for_update().filter(
        tenant=tenant, code__in=list(codes), status=ItemStatus.PUBLISHED
    )
    found = {item.code for item in items}
    if missing := sorted(set(codes) - found):
        raise NotFound(
            CatalogueErrorCode.SERVICE_ITEM_NOT_FOUND,
            _("No such service item: %(code)s.") % {"code": missing[0]},
            field="items",
        )
    changed = items.update(back_office_app=app_client_id, updated_at=timezone.now())
    catalogue_changed(tenant)
    record_action(
        actor=actor,
        action=CatalogueAudit.SET_BACK_OFFICE,
        tenant_code=tenant.code,
        object_type="service_item",
        object_id=",".join(sorted(found)),
        detail={"app": app_client_id},
    )
    return changed
