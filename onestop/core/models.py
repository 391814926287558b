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
        ordering = ["id"]

    def __str__(self) -> str:
        return (
            f"{self.occurred_at:%Y-%m-%dT%H:%M:%SZ} {self.actor_label} {self.action} {self.outcome}"
        )


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
