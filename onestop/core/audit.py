"""Recording an action: its audit entry and its events, in the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from onestop.core.actors import Actor
from onestop.core.models import AuditEntry, AuditOutcome, OutboxEvent


@dataclass(frozen=True, slots=True)
class Event:
    topic: str
    payload: Mapping[str, Any] = field(default_factory=dict)


def record_action(
    *,
    actor: Actor,
    action: str,
    tenant_code: str = "",
    object_type: str = "",
    object_id: str = "",
    detail: Mapping[str, Any] | None = None,
    events: Iterable[Event] = (),
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
) -> AuditEntry:
    """Write the audit entry and the outbox events of a business write.

    Must run inside the action's ``transaction.atomic()`` block: the record and the
    events are only true if the write they describe commits with them.
    """
    if outcome == AuditOutcome.SUCCESS and not connection.in_atomic_block:
        raise RuntimeError("record_action() must be called inside the action's transaction")
    entry = AuditEntry.objects.create(
        tenant_code=tenant_code,
        actor_kind=actor.kind.value,
        actor_id=actor.id,
        actor_label=actor.label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        outcome=outcome,
        address=actor.address,
        detail=dict(detail or {}),
    )
    OutboxEvent.objects.bulk_create(
        OutboxEvent(
            event_id=uuid.uuid4(),
            tenant_code=tenant_code,
            topic=event.topic,
            payload=dict(event.payload),
        )
        for event in events
    )
    return entry
