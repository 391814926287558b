"""The outbox topics cases emit (see docs/events.md)."""

from __future__ import annotations

from onestop.core.events import declare

CASE_STATE_CHANGED = declare(
    "cases.case.state_changed",
    description="A case took a step of its lifecycle (submission included).",
    fields={
        "tenant": "the tenant's code",
        "case": "the case number",
        "applicant": "the applicant's account id",
        "item": "the service item's name",
        "item_en": "the service item's English name",
        "item_code": "the service item's code",
        "state": "the state the case is in now",
        "public_state": "the progress state citizens see",
        "action": "the step taken (a lifecycle transition, or submit)",
        "decision": "approved, refused or empty",
        "due_on": "the running deadline (ISO date) or null",
        "due_for": "what the deadline is for: acceptance, decision, certificate or null",
        "via_app": "the client id of the app the case was applied for through, or empty",
        "handled_by_app": "the client id of the app whose back office handles it, or empty",
        "paper_licence": "whether the step recorded a paper licence as issued",
    },
)
RATING_CREATED = declare(
    "cases.rating.created",
    description="The applicant rated the service of a concluded case.",
    fields={
        "tenant": "the tenant's code",
        "case": "the case number",
        "score": "1 (very bad) to 5 (very good)",
    },
)
RECTIFICATION_OPENED = declare(
    "cases.rectification.opened",
    description="A bad rating opened a rectification ticket for the department.",
    fields={"tenant": "the tenant's code", "case": "the case number"},
)
