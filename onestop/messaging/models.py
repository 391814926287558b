from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.tenancy.models import TenantOwned


class SandboxSms(TenantOwned):
    """A text message the sandbox SMS backend accepted instead of a carrier. The number is
    stored encrypted and masked, like every phone number the platform holds."""

    message_id = models.CharField(max_length=40, unique=True)
    phone_encrypted = models.TextField()
    phone_hash = models.CharField(max_length=64, db_index=True)
    phone_masked = models.CharField(max_length=16)
    text = models.CharField(max_length=500)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sandbox text message")
        verbose_name_plural = _("sandbox text messages")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.phone_masked} {self.sent_at:%Y-%m-%d %H:%M}"


class SandboxEmail(TenantOwned):
    """An email the sandbox email backend accepted instead of a mail server."""

    message_id = models.CharField(max_length=40, unique=True)
    to_encrypted = models.TextField()
    to_hash = models.CharField(max_length=64, db_index=True)
    to_masked = models.CharField(max_length=64)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sandbox email")
        verbose_name_plural = _("sandbox emails")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.to_masked} {self.subject}"
