from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.tenancy.models import Bilingual, Department, TenantOwned

STATUS_LIST_BITS = 131_072  # 16 KB: the Bitstring Status List's minimum, for herd privacy


class RevocationReason(models.TextChoices):
    """Why a department revokes a certificate. The holder sees it in words; verifiers see
    only that it is revoked (the status list holds one bit per certificate)."""

    ISSUED_IN_ERROR = "issued_in_error", _("Issued in error")
    SUPERSEDED = "superseded", _("Replaced by a new certificate")
    ENTITLEMENT_ENDED = "entitlement_ended", _("The holder's entitlement ended")
    FRAUD = "fraud", _("Obtained by fraud or false statements")


class CertificateType(Bilingual, TenantOwned):
    """A kind of certificate a department issues, the items whose approval issues it, and
    the fields its credentials carry (each taken from the case's answers or the holder)."""

    code = models.SlugField(max_length=48)
    name = models.CharField(max_length=64)
    name_en = models.CharField(max_length=96, blank=True)
    issuer = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    validity_days = models.PositiveIntegerField(default=0)  # 0: valid without end
    item_codes = models.JSONField(default=list, blank=True)
    fields = models.JSONField(default=list, blank=True)  # [{"key", "title", "title_en", "source"}]

    class Meta:
        verbose_name = _("certificate type")
        verbose_name_plural = _("certificate types")
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="certificate_type_unique")]

    def __str__(self) -> str:
        return self.code


class IssuerKey(TenantOwned):
    """A department's signing key. A rotated key signs nothing new and still verifies what
    it signed. The private key is stored encrypted and never leaves this row."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    key_id = models.CharField(max_length=32, unique=True)
    algorithm = models.CharField(max_length=16, default="Ed25519")  # Ed25519 | SM2
    public_key = models.CharField(max_length=200)  # Ed25519: base64 of 32 bytes; SM2: hex of X||Y
    private_key_encrypted = models.TextField(blank=True)  # empty for a key held elsewhere (HSM)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("issuer key")
        verbose_name_plural = _("issuer keys")

    def __str__(self) -> str:
        return self.key_id


class SigningPolicy(models.Model):
    """The signature algorithm a tenant's departments sign certificates with."""

    tenant = models.OneToOneField("tenancy.Tenant", on_delete=models.CASCADE, related_name="+")
    algorithm = models.CharField(max_length=16, default="Ed25519")

    class Meta:
        verbose_name = _("signing policy")
        verbose_name_plural = _("signing policies")

    def __str__(self) -> str:
        return self.algorithm


class StatusList(TenantOwned):
    """A department's revocation list: bit n set means the credential at index n is revoked."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    bits = models.BinaryField()
    next_index = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")

    def __str__(self) -> str:
        return f"status list {self.pk}"


class Certificate(TenantOwned):
    """An issued certificate. The signed credential holds the holder's name: it is stored
    encrypted like every personal datum; the rest is metadata."""

    credential_id = models.CharField(max_length=64, unique=True)
    number = models.CharField(max_length=40)
    certificate_type = models.ForeignKey(
        CertificateType, on_delete=models.PROTECT, related_name="certificates"
    )
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    case_number = models.CharField(max_length=32, blank=True)
    # The department whose decision on the case issued it (the issuer signs for it); none
    # for a certificate imported from the issuer's registry.
    decided_by = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The partner app whose back office handled that case (its client id): it may revoke
    # what its decision issued, as it keeps the case.
    handled_by_app = models.CharField(max_length=40, blank=True, default="")
    credential_encrypted = models.TextField()
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="+")
    status_index = models.PositiveIntegerField()
    issued_at = models.DateTimeField(default=timezone.now)
    valid_until = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=200, blank=True, choices=RevocationReason.choices)
    revocation_note = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        indexes = [
            models.Index(fields=["tenant", "holder"], name="certificate_holder_idx"),
            models.Index(fields=["tenant", "number"], name="certificate_number_idx"),
        ]

    def __str__(self) -> str:
        return self.number
