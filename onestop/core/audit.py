"""The audit log: recording an action (its entry and its events, in the caller's
transaction) and verifying that nobody changed, removed or reordered an entry since."""

from __future__ import annotations

import hmac
import ipaddress
import json
import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.utils import timezone

from onestop.core import databases
from onestop.core.actors import Actor
from onestop.core.crypto import audit_mac
from onestop.core.events import Topic, check_payload
from onestop.core.merkle import Frontier, leaf_hash
from onestop.core.models import AuditEntry, AuditLogHead, AuditOutcome, OutboxEvent


class AuditAction(StrEnum):
    """The base of each app's enum of audit actions (``<app>/audit.py``): an entry's action
    is always a member, ``<app>.<what was done>``, never a string made on the spot."""


@dataclass(frozen=True, slots=True)
class Event:
    """An outbox event of a declared topic (``core.events.declare``)."""

    topic: Topic
    payload: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_payload(self.topic, self.payload)


def canonical_entry(entry: AuditEntry) -> bytes:
    """The bytes an entry's leaf hash covers: every recorded field except its position."""
    occurred_at = entry.occurred_at.astimezone(UTC).isoformat(timespec="microseconds")
    content = {
        "occurred_at": occurred_at,
        "tenant": entry.tenant_code,
        "actor": [entry.actor_kind, entry.actor_id, entry.actor_label],
        "action": entry.action,
        "object": [entry.object_type, entry.object_id],
        "outcome": entry.outcome,
        "address": entry.address or "",
        "detail": entry.detail,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _leaf_mac(leaf: bytes) -> str:
    return audit_mac(b"leaf:" + leaf)


def _root_mac(kind: str, sequence: int, root: bytes) -> str:
    return audit_mac(f"{kind}:{sequence}:".encode() + root)


def _address(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return ipaddress.ip_address(value).compressed
    except ValueError:
        return None


def _locked_head() -> AuditLogHead:
    head, _ = AuditLogHead.objects.select_for_update().get_or_create(pk=1)
    return head


def record_action(
    *,
    actor: Actor,
    action: AuditAction,
    tenant_code: str = "",
    object_type: str = "",
    object_id: str = "",
    detail: Mapping[str, Any] | None = None,
    events: Iterable[Event] = (),
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
) -> AuditEntry:
    """Append the audit entry of an action, and write its outbox events.

    A successful action must call this inside its own ``databases.atomic()`` block: the
    record and the events are only true if the write they describe commits with them.
    Refusals and failures (``outcome`` denied or failed) may be recorded on their own.
    Nothing personal goes into ``detail``: masked values only.
    """
    if not isinstance(action, AuditAction):
        raise TypeError(f"an audit action is a member of an app's AuditAction enum, not {action!r}")
    if outcome == AuditOutcome.SUCCESS and not databases.connection().in_atomic_block:
        raise RuntimeError("record_action() must be called inside the action's transaction")
    with databases.atomic():
        head = _locked_head()
        frontier = Frontier.from_json(head.frontier)
        entry = AuditEntry(
            sequence=head.next_sequence,
            occurred_at=timezone.now(),
            tenant_code=tenant_code,
            actor_kind=actor.kind.value,
            actor_id=actor.id,
            actor_label=actor.label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            outcome=outcome,
            address=_address(actor.address),
            detail=dict(detail or {}),
        )
        leaf = leaf_hash(canonical_entry(entry))
        frontier.append(leaf)
        entry.leaf_hash = leaf.hex()
        entry.entry_mac = _leaf_mac(leaf)
        entry.root_mac = _root_mac("root", entry.sequence, frontier.root())
        entry.save(force_insert=True)
        head.next_sequence = entry.sequence + 1
        head.frontier = frontier.to_json()
        head.head_mac = _root_mac("head", head.next_sequence, frontier.root())
        head.save(update_fields=["next_sequence", "frontier", "head_mac"])
        # The worker's watcher relays them once committed (``core.relay.watch_outbox``).
        OutboxEvent.objects.bulk_create(
            OutboxEvent(
                event_id=uuid.uuid4(),
                tenant_code=tenant_code,
                topic=e.topic.name,
                payload=dict(e.payload),
            )
            for e in events
        )
    return entry


@dataclass(frozen=True, slots=True)
class Verification:
    entries: int
    root: str
    problem: str = ""
    sequence: int | None = None
    # The log's size (every entry ever appended, pruned ones too) and its root at each
    # size asked for that the retained entries reach.
    size: int = 0
    roots: Mapping[int, bytes] = field(default_factory=dict)
    detail: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def verify_audit_log(*, roots_at: Collection[int] = ()) -> Verification:
    """Recompute every retained entry's leaf hash and the log's root after each entry.

    Names the first entry that was changed (its content no longer matches its MAC'd leaf
    hash), removed (a gap in the sequence, or a missing tail) or reordered (an authentic
    entry at a position whose root does not verify). Keeps the root at each of the sizes
    ``roots_at`` (those of published heads), recomputed from the leaves.
    """
    head = AuditLogHead.objects.filter(pk=1).first() or AuditLogHead(pk=1)
    frontier = Frontier.from_json(head.base_frontier) if head.base_sequence else Frontier()
    if head.base_sequence and not hmac.compare_digest(
        _root_mac("base", head.base_sequence, frontier.root()), head.base_mac
    ):
        return Verification(0, "", "the retained log's starting point was changed", head.base_sequence)
    wanted = set(roots_at)
    roots = {frontier.size: frontier.root()} if frontier.size in wanted else {}
    expected, checked = head.base_sequence, 0
    entries = AuditEntry.objects.filter(sequence__gte=head.base_sequence).order_by("sequence")
    for entry in entries.iterator(chunk_size=2000):
        if entry.sequence != expected:
            return Verification(checked, frontier.root().hex(), "removed", expected)
        leaf = leaf_hash(canonical_entry(entry))
        if leaf.hex() != entry.leaf_hash or not hmac.compare_digest(_leaf_mac(leaf), entry.entry_mac):
            return Verification(checked, frontier.root().hex(), "changed", entry.sequence)
        frontier.append(leaf)
        if not hmac.compare_digest(_root_mac("root", entry.sequence, frontier.root()), entry.root_mac):
            return Verification(checked, frontier.root().hex(), "reordered", entry.sequence)
        if frontier.size in wanted:
            roots[frontier.size] = frontier.root()
        expected += 1
        checked += 1
    if expected != head.next_sequence or (
        expected and not hmac.compare_digest(_root_mac("head", expected, frontier.root()), head.head_mac)
    ):
        # The newest entries were cut off (and the head rolled back by hand).
        return Verification(checked, frontier.root().hex(), "removed", expected)
    return Verification(checked, frontier.root().hex(), size=expected, roots=roots)


@dataclass(frozen=True, slots=True)
class LogHead:
    """The log as its head row holds it: its size, its root, and where the retained
    entries start (with the frontier of the pruned ones)."""

    size: int
    root: bytes
    base: int
    base_frontier: Frontier


def read_log_head() -> LogHead:
    """The log's head, checked against its MACs (``ValueError`` when they do not hold)."""
    head = AuditLogHead.objects.filter(pk=1).first() or AuditLogHead(pk=1)
    frontier = Frontier.from_json(head.frontier) if head.next_sequence else Frontier()
    base = Frontier.from_json(head.base_frontier) if head.base_sequence else Frontier()
    if frontier.size != head.next_sequence or (
        head.next_sequence
        and not hmac.compare_digest(_root_mac("head", head.next_sequence, frontier.root()), head.head_mac)
    ):
        raise ValueError("the audit log's head row does not verify")
    if head.base_sequence and (
        base.size != head.base_sequence
        or not hmac.compare_digest(_root_mac("base", head.base_sequence, base.root()), head.base_mac)
    ):
        raise ValueError("the retained log's starting point was changed")
    return LogHead(head.next_sequence, frontier.root(), head.base_sequence, base)


def prune_audit_log(*, older_than_days: int | None = None) -> int:
    """Delete entries older than the retention period, keeping the log verifiable: the
    frontier at the first retained entry is kept, under the audit key."""
    days = older_than_days if older_than_days is not None else settings.ONESTOP_AUDIT_RETENTION_DAYS
    cutoff = timezone.now() - timedelta(days=days)
    with databases.atomic():
        head = _locked_head()
        expired = AuditEntry.objects.filter(sequence__gte=head.base_sequence, occurred_at__lt=cutoff)
        last = expired.order_by("-sequence").values_list("sequence", flat=True).first()
        if last is None:
            return 0
        frontier = Frontier.from_json(head.base_frontier) if head.base_sequence else Frontier()
        leaves = AuditEntry.objects.filter(sequence__gte=head.base_sequence, sequence__lte=last)
        for leaf in leaves.order_by("sequence").values_list("leaf_hash", flat=True).iterator():
            frontier.append(bytes.fromhex(leaf))
        deleted, _ = AuditEntry.objects.filter(sequence__lte=last).delete()
        head.base_sequence = last + 1
        head.base_frontier = frontier.to_json()
        head.base_mac = _root_mac("base", head.base_sequence, frontier.root())
        head.save(update_fields=["base_sequence", "base_frontier", "base_mac"])
    return deleted
