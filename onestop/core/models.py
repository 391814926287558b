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

    def __str__(self) -> str:
        return (
            f"{self.occurred_at:%Y-%m-%dT%H:%M:%SZ} {self.actor_label} {self.action} {self.outcome}"
        )


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


class OutboxEvent(models.Model):
    """An event waiting to be relayed (notifications, webhooks). Relays mark it sent;
    receivers drop duplicates by ``event_id``, so delivery is at least once."""

    event_id = models.UUIDField(unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    tenant_code = models.CharField(max_length=32, blank=True)
    topic = models.CharField(max_length=96)
    payload = models.JSONField(default=dict)
    relayed_at = models.DateTimeField(null=True, blank=True)

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
