from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.tenancy.models import TenantOwned


class Notification(TenantOwned):
    """A message in a person's message centre. One per event and person: a relayed event
    delivered twice stays one message."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    event_id = models.UUIDField()
    case_number = models.CharField(max_length=32, blank=True)
    certificate_number = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["event_id", "user"], name="notification_once")]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """An event's delivery to a person on one channel; the unique key drops duplicates."""

    event_id = models.UUIDField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=16)
    status = models.CharField(max_length=16, default="pending")  # pending | sent | failed | skipped
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["event_id", "user", "channel"], name="delivery_once")]

    def __str__(self) -> str:
        return f"{self.channel} {self.status}"
