"""The audit record and the transactional outbox.

Both are written by action functions inside the action's own transaction, so that a
business write, the record of who made it and the events it causes commit or roll back
together. Rows keep the tenant's code rather than a foreign key: the record of an action
must outlive whatever it was about.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", _("Success")
    DENIED = "denied", _("Denied")
    FAILED = "failed", _("Failed")


class AuditEntry(models.Model):
    """One entry of the tamper-evident audit log.

    ``sequence`` numbers entries without gaps. ``leaf_hash`` is the RFC 6962 leaf hash of
    the entry's canonical content; ``entry_mac`` authenticates that leaf hash and
    ``root_mac`` the root of the whole log up to this entry, both under the audit key kept
    outside the database. Changing, removing or reordering an entry breaks them:
    ``onestop audit verify`` names the first entry that was.
    """

    sequence = models.BigIntegerField(unique=True)
    leaf_hash = models.CharField(max_length=64)
    entry_mac = models.CharField(max_length=64)
    root_mac = models.CharField(max_length=64)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    tenant_code = models.CharField(max_length=32, blank=True, db_index=True)
    actor_kind = models.CharField(max_length=16)
    actor_id = models.CharField(max_length=64)
    actor_label = models.CharField(max_length=128)
    action = models.CharField(max_length=96)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=128, blank=True)
    outcome = models.CharField(max_length=16, choices=AuditOutcome.choices)
    address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["sequence"]
        # "Who looked at my data": the entries about one account or case.
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%dT%H:%M:%SZ} {self.actor_label} {self.action} {self.outcome}"


class AuditLogHead(models.Model):
    """The one row that serialises appends to the audit log: the next sequence number and
    the Merkle frontier of the log so far. After pruning, ``base`` keeps the frontier at
    the first retained entry, so the rest still verifies."""

    next_sequence = models.BigIntegerField(default=0)
    frontier = models.JSONField(default=dict)
    base_sequence = models.BigIntegerField(default=0)
    base_frontier = models.JSONField(default=dict)
    base_mac = models.CharField(max_length=64, blank=True)
    head_mac = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit log head")
        verbose_name_plural = _("audit log head")

    def __str__(self) -> str:
        return f"audit log at {self.next_sequence}"


class AuditTreeNode(models.Model):
    """A perfect subtree of the audit log's Merkle tree (``2**level`` leaves, the
    ``index``-th of that size), kept so that audit paths and consistency proofs read a
    few dozen rows instead of every leaf. Only complete subtrees of 256 leaves or more are
    kept; they never change. ``mac`` authenticates the hash under the audit key: a node
    whose MAC fails is ignored (its leaves are read instead), and every proof is checked
    against a signed head before it is given out."""

    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    mac = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit tree node")
        verbose_name_plural = _("audit tree nodes")
        constraints = [models.UniqueConstraint(fields=["level", "index"], name="audit_tree_node_unique")]

    def __str__(self) -> str:
        return f"{self.level}/{self.index}"


class SignedTreeHead(models.Model):
    """A signed head of one audit chain (one per database) as it was published: the
    platform's copy, which the public endpoints and the citizens' proofs read. Heads are
    appended, never changed. It is not the evidence: the heads file outside the database
    (and the second store, the witness) is what ``onestop audit verify`` trusts."""

    chain = models.CharField(max_length=32)
    tree_size = models.BigIntegerField()
    root_hash = models.CharField(max_length=64)
    timestamp = models.BigIntegerField()  # milliseconds since the epoch, as RFC 6962 counts
    signature = models.CharField(max_length=128)  # base64, Ed25519
    key_id = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("signed tree head")
        verbose_name_plural = _("signed tree heads")
        constraints = [models.UniqueConstraint(fields=["chain", "timestamp"], name="signed_tree_head_unique")]

    def __str__(self) -> str:
        return f"{self.chain} at {self.tree_size}"


class OutboxEvent(models.Model):
    """An event waiting to be relayed (notifications, webhooks). Relays mark it sent;
    receivers drop duplicates by ``event_id``, so delivery is at least once."""

    event_id = models.UUIDField(unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    tenant_code = models.CharField(max_length=32, blank=True)
    topic = models.CharField(max_length=96)
    payload = models.JSONField(default=dict)
    relayed_at = models.DateTimeField(null=True, blank=True)
    # A consumer asked to be tried again later (a channel backing off) or failed: the
    # relay passes the event over until then, so it never holds up the events behind it.
    retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["id"],
                name="outbox_pending_idx",
                condition=models.Q(relayed_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.event_id}"


class WorkerHeartbeat(models.Model):
    """When each background worker last said it was alive (``core.workers``): the tasks it
    claimed are held on that lease, and `/readyz` says the workers are stale when none
    has beaten for a minute."""

    name = models.CharField(max_length=64, primary_key=True)
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class PersonStamp(models.Model):
    """A number per person that moves with every action changing what the person's own
    pages show (``core.stamps``): their pages are kept under it. No foreign key: core
    knows nobody's accounts, and a stamp of an account removed is never read again."""

    person_id = models.BigIntegerField(primary_key=True)
    stamp = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("person stamp")
        verbose_name_plural = _("person stamps")

    def __str__(self) -> str:
        return f"{self.person_id}: {self.stamp}"
