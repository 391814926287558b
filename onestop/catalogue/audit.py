"""The audit actions catalogue records (``core.audit.AuditAction``): the only names its
entries carry, so that the log reads the same across releases."""

from __future__ import annotations

from onestop.core.audit import AuditAction


class CatalogueAudit(AuditAction):
    DEFINE_LIFE_EVENTS = "catalogue.define_life_events"
    DEFINE_THEMES = "catalogue.define_themes"
    PUBLISH_FORMS = "catalogue.publish_forms"
    PUBLISH_SERVICE_ITEMS = "catalogue.publish_service_items"
    SET_BACK_OFFICE = "catalogue.set_back_office"
    WITHDRAW_SERVICE_ITEM = "catalogue.withdraw_service_item"
