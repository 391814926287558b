"""The outbox topics identity emits (see docs/events.md)."""

from __future__ import annotations

from onestop.core.events import declare

USER_REGISTERED = declare(
    "identity.user.registered",
    description="A person registered an account with a verified mobile number (level L1).",
    fields={"tenant": "the tenant's code", "user": "the account id"},
)
USER_VERIFIED = declare(
    "identity.user.verified",
    description="A person's name and ID number were checked; the account's identity level changed.",
    fields={
        "tenant": "the tenant's code",
        "user": "the account id",
        "level": "the identity level now (2 to 5)",
    },
)
