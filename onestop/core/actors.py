"""Who performs an action.

Every action function takes a keyword-only ``actor``: the audit record names it, and
permission checks start from it. Later modules (identity) build actors from accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ActorKind(StrEnum):
    ANONYMOUS = "anonymous"
    SYSTEM = "system"
    USER = "user"
    PARTNER_APP = "partner_app"


@dataclass(frozen=True, slots=True)
class Actor:
    kind: ActorKind
    id: str
    label: str
    address: str | None = None

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        """The platform itself: management commands, background tasks, the demo loader."""
        return cls(kind=ActorKind.SYSTEM, id="system", label=label)

    @classmethod
    def anonymous(cls, address: str | None = None) -> Actor:
        """Someone not logged in: registering, logging in, asking for a code."""
        return cls(kind=ActorKind.ANONYMOUS, id="anonymous", label="anonymous", address=address)
