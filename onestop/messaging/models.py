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
    template = models.CharField(max_length=40, blank=True, default="")
    text = models.CharField(max_length=500)
    # The text with one-time codes blotted out: what everyone but the recipient sees.
    text_redacted = models.CharField(max_length=500, blank=True, default="")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sandbox text message")
        verbose_name_plural = _("sandbox text messages")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.phone_masked} {self.sent_at:%Y-%m-%d %H:%M}"

    def text_for(self, viewer_phone_hash: str) -> str:
        """The whole text for the phone it was sent to, the redacted one for anybody else."""
        if viewer_phone_hash and viewer_phone_hash == self.phone_hash:
            return self.text
        return self.text_redacted or self.text


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
