"""The events partners subscribe to, and how they come out of the outbox.

An app hears about a case only if it may know of it: the case was applied for through
the app (for a citizen who consented), or the app's back office handles it.
"""

from __future__ import annotations

from typing import Any

from onestop.cases import events as case_events

CASE_STATE_CHANGED = "case.state_changed"
CERTIFICATE_ISSUED = "certificate.issued"
EVENT_TYPES = (CASE_STATE_CHANGED, CERTIFICATE_ISSUED)


def partner_events(topic: str, payload: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The partner events an outbox event makes, each with its body's ``data``."""
    if topic != case_events.CASE_STATE_CHANGED.name:
        return []
    data = {
        "case": payload.get("case"),
        "item": payload.get("item_code"),
        "state": payload.get("state"),
        "public_state": payload.get("public_state"),
        "action": payload.get("action"),
        "decision": payload.get("decision") or None,
        "due_on": payload.get("due_on"),
        "due_for": payload.get("due_for"),  # acceptance, decision or certificate
    }
    events = [(CASE_STATE_CHANGED, data)]
    if payload.get("action") == "issue_certificate":
        events.append((CERTIFICATE_ISSUED, {"case": payload.get("case"), "item": payload.get("item_code")}))
    return events


def audience(payload: dict[str, Any]) -> set[str]:
    """The client ids of the apps that may hear about this case."""
    return {str(v) for v in (payload.get("via_app"), payload.get("handled_by_app")) if v}
