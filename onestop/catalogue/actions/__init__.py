"""Every write to the catalogue.

Each action takes a keyword-only ``actor``, validates everything before writing anything,
runs in one transaction and records itself (audit entry and outbox events) in it."""

from onestop.catalogue.actions.forms import do_publish_service_forms, publish_service_forms
from onestop.catalogue.actions.groupings import (
    define_life_events,
    define_themes,
    do_define_life_events,
    do_define_themes,
)
from onestop.catalogue.actions.items import (
    ITEM_CODE_RE,
    MAX_LIMIT_DAYS,
    MAX_VISITS,
    do_publish_service_items,
    do_set_back_office,
    do_withdraw_service_item,
    publish_service_items,
    set_back_office,
)

__all__ = [
    "ITEM_CODE_RE",
    "MAX_LIMIT_DAYS",
    "MAX_VISITS",
    "define_life_events",
    "define_themes",
    "do_define_life_events",
    "do_define_themes",
    "do_publish_service_forms",
    "do_publish_service_items",
    "do_set_back_office",
    "do_withdraw_service_item",
    "publish_service_forms",
    "publish_service_items",
    "set_back_office",
]
