"""Accounts and what identity keeps about them.

Personal data is stored three ways: encrypted (to reveal with a permission, or to export
to its owner), as a keyed hash (to find an account without the plaintext) and masked (to
show). No column holds a phone number, ID number or real name in plaintext.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from onestop.core.crypto import encrypt, keyed_hash
from onestop.core.trust import TrustLevel
from onestop.identity.idnumber import mask_id_number, mask_name, normalize_id_number
from onestop.identity.kinds import AccountKind, CodePurpose, RoleKind
from onestop.messaging.phones import mask_phone, phone_hash
from onestop.tenancy.models import Department, Tenant, TenantOwned


def login_key(tenant_code: str | None, phone: str) -> str:
    """What an account logs in by: its tenant (``*`` for the platform's accounts) and the
    keyed hash of its phone number."""
    return f"{tenant_code or '*'}:{phone_hash(phone)}"


def id_number_hash(value: str) -> str:
    """The keyed hash accounts are found by, from an ID number as typed."""
    return keyed_hash("id-number", normalize_id_number(value))


class UserManager(BaseUserManager["User"]):
    def create_user(self, phone: str, password: str | None = None, **fields: Any) -> User:
        """A new account of the (checked) phone number; no password: it cannot log in
        with one."""
        user = self.model(**fields)
        user.take_phone(phone, tenant_code=user.tenant.code if user.tenant else None)
        user.set_password(password)
        user.save()
        return user


class User(AbstractBaseUser):
    """An account. Citizens and staff belong to a tenant; partner developers and platform
    operators (``tenant`` empty) to the platform. One phone number, one account per tenant."""

    tenant = models.ForeignKey(Tenant, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    login_key = models.CharField(max_length=100, unique=True)  # "<tenant>:<phone hash>"
    kind = models.CharField(max_length=24, choices=AccountKind.choices, default=AccountKind.CITIZEN)
    display_name = models.CharField(max_length=64, blank=True)
    phone_encrypted = models.TextField()
    phone_hash = models.CharField(max_length=64)
    phone_masked = models.CharField(max_length=16)
    real_name_encrypted = models.TextField(blank=True)
    real_name_masked = models.CharField(max_length=32, blank=True)
    id_number_encrypted = models.TextField(blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True)
    id_number_masked = models.CharField(max_length=24, blank=True)
    email_encrypted = models.TextField(blank=True)
    email_masked = models.CharField(max_length=64, blank=True)
    language = models.CharField(max_length=8, default="zh-hans")  # of the messages sent to them
    trust_level = models.PositiveSmallIntegerField(choices=TrustLevel.choices, default=TrustLevel.L1)
    verified_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Made by `onestop demo` (its password is published): production refuses to start
    # while one exists (system check onestop.E005).
    demo = models.BooleanField(default=False)
    # Raised by logout, password change and disabling: every session made before dies.
    session_generation = models.PositiveIntegerField(default=0)

    USERNAME_FIELD = "login_key"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    objects = UserManager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "id_number_hash"],
                condition=~models.Q(id_number_hash=""),
                name="one_account_per_person_per_tenant",
            )
        ]
        indexes = [models.Index(fields=["tenant", "trust_level"], name="user_trust_idx")]

    def __str__(self) -> str:
        return self.display_name or self.phone_masked

    def take_phone(self, phone: str, *, tenant_code: str | None) -> None:
        """Store a (checked) phone number as every account keeps one: encrypted, hashed
        for finding, masked for showing, and the login key it makes (not saved here)."""
        self.phone_encrypted, self.phone_masked = encrypt(phone), mask_phone(phone)
        self.phone_hash, self.login_key = phone_hash(phone), login_key(tenant_code, phone)

    def take_identity(self, name: str, id_number: str) -> None:
        """Store a (checked) real name and ID number: encrypted, the number hashed for
        finding, both masked for showing (not saved here)."""
        self.real_name_encrypted, self.real_name_masked = encrypt(name), mask_name(name)
        self.id_number_encrypted, self.id_number_hash = encrypt(id_number), id_number_hash(id_number)
        self.id_number_masked = mask_id_number(id_number)

    def get_session_auth_hash(self) -> str:
        # Django ends sessions whose stored hash no longer matches; the generation makes
        # logout, a password change or disabling end every session of the account.
        return salted_hmac(
            "onestop.identity.session",
            f"{self.password}:{self.session_generation}",
            algorithm="sha256",
        ).hexdigest()

    @property
    def is_real_name(self) -> bool:
        return self.trust_level >= TrustLevel.L3


class Role(models.Model):
    """A role of an account, scoped to a tenant and, for department roles, a department."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(max_length=24, choices=RoleKind.choices)
    tenant = models.ForeignKey(Tenant, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "tenant", "department"], name="role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}@{self.tenant_id}/{self.department_id}"


class OneTimeCode(TenantOwned):
    """A six-digit SMS code: stored as a keyed hash, single use, valid for five minutes,
    at most five tries."""

    phone_hash = models.CharField(max_length=64)
    purpose = models.CharField(max_length=16, choices=CodePurpose.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [models.Index(fields=["tenant", "phone_hash", "purpose"], name="otp_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.created_at:%H:%M:%S}"


class ThrottleCounter(models.Model):
    """Failures counted per key (a keyed hash of an account, an address, both, or a
    device) and hour, with the time of the last one (``identity.throttle``)."""

    key = models.CharField(max_length=80)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)
    last_at = models.DateTimeField()

    class Meta:
        verbose_name = _("throttle counter")
        verbose_name_plural = _("throttle counters")
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="throttle_unique")]

    def __str__(self) -> str:
        return f"{self.key} {self.count}"


class KnownAddress(TenantOwned):
    """An address an account has logged in from on a tenant's portal (a keyed hash of
    both), so that the guard against one address trying many accounts never slows that
    account down there. It moves with its tenant; counters are too short-lived to."""

    key = models.CharField(max_length=80, unique=True)
    last_login_at = models.DateTimeField()

    class Meta:
        verbose_name = _("known address")
        verbose_name_plural = _("known addresses")

    def __str__(self) -> str:
        return f"{self.key} {self.last_login_at:%Y-%m-%d}"


class VerificationRecord(models.Model):
    """One attempt to raise an account's trust level, kept for its owner to see."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="verifications")
    level = models.PositiveSmallIntegerField(choices=TrustLevel.choices)
    method = models.CharField(max_length=32)
    provider = models.CharField(max_length=32, blank=True)
    outcome = models.CharField(max_length=32)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"L{self.level} {self.method} {self.outcome}"


class FaceCheckSession(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    provider = models.CharField(max_length=32)
    challenge = models.CharField(max_length=8)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("face check")
        verbose_name_plural = _("face checks")

    def __str__(self) -> str:
        return f"face check {self.pk} {self.outcome or 'open'}"


class SandboxResident(TenantOwned):
    """A resident of the sandbox population registry. Like a real matching service, it
    keeps keyed hashes: it can say whether a name and ID number match, nothing more."""

    id_number_hash = models.CharField(max_length=64)
    name_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=16, default="normal")  # normal | cancelled

    class Meta:
        verbose_name = _("sandbox resident")
        verbose_name_plural = _("sandbox residents")
        constraints = [models.UniqueConstraint(fields=["tenant", "id_number_hash"], name="resident_unique")]

    def __str__(self) -> str:
        return self.id_number_hash[:12]
