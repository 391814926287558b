"""The open platform's tables: partners and their standing in each tenant, apps and their
credentials, citizens' consents and the tokens issued under them, webhook subscriptions
and deliveries, and the counters behind rate limits.

Secrets (client secrets, tokens, authorization codes) are stored as SHA-256 digests only:
they are long random strings, so a fast hash is enough and nothing stored can be replayed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.tenancy.models import TenantOwned


class Partner(models.Model):
    """A partner organisation (software vendor, integrator, hospital, retailer): one for
    the whole platform, admitted tenant by tenant."""

    name = models.CharField(max_length=128)
    credit_code = models.CharField(max_length=18, unique=True)  # GB 32100 unified social credit code
    contact_email = models.EmailField(blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="partners")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AdmissionState(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")


class Admission(TenantOwned):
    """A partner's standing in one tenant, decided by the tenant's operator, with the
    scopes its apps may be granted there.

    Partners and their apps are the platform's (on the default database) while a tenant's
    rows live on its own database: the references to them carry no database constraint,
    and queries never join the two."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, db_constraint=False, related_name="admissions"
    )
    state = models.CharField(max_length=16, choices=AdmissionState.choices)
    scopes = models.JSONField(default=list)
    note = models.CharField(max_length=500, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "partner"], name="one_admission_per_tenant")]


class App(models.Model):
    """A partner's application: a back office, a mini-program, a service module."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="apps")
    name = models.CharField(max_length=64)
    description = models.CharField(max_length=500, blank=True)
    client_id = models.CharField(max_length=40, unique=True)
    redirect_uris = models.JSONField(default=list)
    # A service module handles the cases of the items a tenant installs it for.
    is_service_module = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["partner", "name"]

    def __str__(self) -> str:
        return self.name


class ClientSecret(models.Model):
    """One of an app's secrets. Several may be valid at once: a new one is added, clients
    move to it, the old one expires or is revoked (rotation without downtime)."""

    app = models.ForeignKey(App, on_delete=models.CASCADE, related_name="secrets")
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)  # the first characters, to tell secrets apart
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.hint}…"

    @staticmethod
    def live() -> models.Q:
        """Secrets that work now: not revoked, not past the end of a rotation's overlap."""
        return models.Q(revoked_at__isnull=True) & (
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=timezone.now())
        )


class AppGrant(TenantOwned):
    """An app's scopes and limits in one tenant."""

    app = models.ForeignKey(App, on_delete=models.CASCADE, db_constraint=False, related_name="grants")
    scopes = models.JSONField(default=list)
    rate_per_minute = models.PositiveIntegerField(default=600)
    quota_per_day = models.PositiveIntegerField(default=100_000)
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "app"], name="one_grant_per_tenant")]


class Consent(TenantOwned):
    """A citizen's consent to an app acting for them with some scopes; revoking it ends
    every token issued under it."""

    app = models.ForeignKey(App, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scopes = models.JSONField(default=list)
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "app", "user"], name="one_consent_per_app")]


class AuthorizationCode(TenantOwned):
    digest = models.CharField(max_length=64, unique=True)
    app = models.ForeignKey(App, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="+")
    scopes = models.JSONField(default=list)
    redirect_uri = models.CharField(max_length=500)
    code_challenge = models.CharField(max_length=128)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


class Token(TenantOwned):
    """An access token (and, for a citizen's consent, its refresh token)."""

    access_digest = models.CharField(max_length=64, unique=True)
    refresh_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    app = models.ForeignKey(App, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    consent = models.ForeignKey(
        Consent, null=True, blank=True, on_delete=models.CASCADE, related_name="tokens"
    )
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    refresh_expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)


class Subscription(TenantOwned):
    """A webhook: where to send which events of one tenant, signed with its own secret."""

    app = models.ForeignKey(App, on_delete=models.CASCADE, db_constraint=False, related_name="subscriptions")
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list)
    secret_encrypted = models.TextField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(TenantOwned):
    """One event sent (or to be sent) to one subscription; a replay is a new delivery of
    the same event, with the same event id."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField()
    event_type = models.CharField(max_length=64)
    payload = models.JSONField()
    state = models.CharField(max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    replay_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"],
                condition=models.Q(replay_of__isnull=True),
                name="one_delivery_per_event",
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]


class RateWindow(models.Model):
    """Requests counted in one window (a minute or a day) for one app in one tenant, when
    no Redis is configured."""

    key = models.CharField(max_length=64)
    window = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="one_count_per_window")]

    def __str__(self) -> str:
        return f"{self.key}@{self.window}: {self.count}"
