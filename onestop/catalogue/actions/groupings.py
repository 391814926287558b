"""How people find items: themes, and life events (一件事) that bundle the items one
situation in life needs."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from onestop.catalogue.access import catalogue_changed
from onestop.catalogue.audit import CatalogueAudit
from onestop.catalogue.error_codes import CatalogueErrorCode
from onestop.catalogue.models import (
    Audience,
    LifeEvent,
    ServiceItem,
    Theme,
)
from onestop.catalogue.specs import LifeEventSpec, ThemeSpec
from onestop.core import databases
from onestop.core.actors import Actor
from onestop.core.audit import record_action
from onestop.core.errors import ValidationFailed
from onestop.tenancy.models import Tenant


def do_define_themes(*, actor: Actor, tenant: Tenant, themes: Sequence[ThemeSpec]) -> int:
    with databases.action():
        return define_themes(actor=actor, tenant=tenant, themes=themes)


def define_themes(*, actor: Actor, tenant: Tenant, themes: Sequence[ThemeSpec]) -> int:
    """The step itself, in the caller's transaction."""
    for spec in themes:
        if spec.audience not in Audience.values:
            raise ValidationFailed(
                CatalogueErrorCode.ITEM_FIELD_INVALID, _("Unknown audience."), field="audience"
            )
    existing = {t.code: t for t in Theme.objects.filter(tenant=tenant)}
    for order, spec in enumerate(themes):
        theme = existing.get(spec.code) or Theme(tenant=tenant, code=spec.code)
        theme.name, theme.name_en = spec.name, spec.name_en
        theme.audience, theme.order = spec.audience, order
        theme.save()
    catalogue_changed(tenant)
    record_action(
        actor=actor,
        action=CatalogueAudit.DEFINE_THEMES,
        tenant_code=tenant.code,
        object_type="theme",
        detail={"count": len(themes)},
    )
    return len(themes)


def do_define_life_events(*, actor: Actor, tenant: Tenant, life_events: Sequence[LifeEventSpec]) -> int:
    with databases.action():
        return define_life_events(actor=actor, tenant=tenant, life_events=life_events)


def define_life_events(*, actor: Actor, tenant: Tenant, life_events: Sequence[LifeEventSpec]) -> int:
    """The step itself, in the caller's transaction."""
    codes = {code for spec in life_events for code in spec.item_codes}
    items = {i.code: i for i in ServiceItem.objects.filter(tenant=tenant, code__in=codes)}
    for spec in life_events:
        if spec.audience not in Audience.values:
            raise ValidationFailed(
                CatalogueErrorCode.ITEM_FIELD_INVALID, _("Unknown audience."), field="audience"
            )
        if missing := set(spec.item_codes) - set(items):
            raise ValidationFailed(
                CatalogueErrorCode.ITEM_UNKNOWN,
                _("Life event %(event)s names unknown items.") % {"event": spec.code},
                field="item_codes",
                params={"items": sorted(missing)},
            )
    existing = {e.code: e for e in LifeEvent.objects.filter(tenant=tenant)}
    for order, spec in enumerate(life_events):
        event = existing.get(spec.code) or LifeEvent(tenant=tenant, code=spec.code)
        event.name, event.name_en = spec.name, spec.name_en
        event.audience, event.description, event.order = spec.audience, spec.description, order
        event.save()
        event.items.set([items[code] for code in spec.item_codes])
    catalogue_changed(tenant)
    record_action(
        actor=actor,
        action=CatalogueAudit.DEFINE_LIFE_EVENTS,
        tenant_code=tenant.code,
        object_type="life_event",
        detail={"count": len(life_events)},
    )
    return len(life_events)
