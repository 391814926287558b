"""The outbox topics the catalogue emits (see docs/events.md)."""

from __future__ import annotations

from onestop.core.events import declare

SERVICE_ITEM_PUBLISHED = declare(
    "catalogue.service_item.published",
    description="A service item was published or changed (its version grew).",
    fields={"tenant": "the tenant's code", "code": "the item code", "version": "the item's version"},
)
SERVICE_ITEM_WITHDRAWN = declare(
    "catalogue.service_item.withdrawn",
    description="A service item was withdrawn from the catalogue.",
    fields={"tenant": "the tenant's code", "code": "the item code"},
)
