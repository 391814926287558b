from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.tenancy.models import Bilingual, Department, TenantOwned


class DataService(Bilingual, TenantOwned):
    """Data a department publishes for other departments' cases (household registration,
    social-security contributions ...), answered by a provider plugin."""

    code = models.SlugField(max_length=48)
    name = models.CharField(max_length=64)
    name_en = models.CharField(max_length=96, blank=True)
    provider = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=200, blank=True)
    # The certificate type whose data the service holds: a material of that type the
    # applicant let the department fetch is consent to query this service for the case.
    certificate_type = models.CharField(max_length=48, blank=True)

    class Meta:
        verbose_name = _("data service")
        verbose_name_plural = _("data services")
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="data_service_unique")]

    def __str__(self) -> str:
        return self.code


class Consent(TenantOwned):
    """A citizen's consent that the department handling one of their cases may query one
    data service for it."""

    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    case_number = models.CharField(max_length=32)
    service = models.ForeignKey(DataService, on_delete=models.CASCADE, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "case_number", "service"], name="consent_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.service_id}"


class DataQuery(TenantOwned):
    """One look at a citizen's data: by whom, for which case, why, on what basis."""

    service = models.ForeignKey(DataService, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    case_number = models.CharField(max_length=32)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=200)
    basis = models.CharField(max_length=16)  # consent | legal
    legal_basis = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)
    # The answer the source gave, kept (encrypted) so that the department reads it again
    # without asking the source twice; empty while none came, and for queries logged
    # before answers were kept.
    answer_encrypted = models.TextField(blank=True)

    class Meta:
        verbose_name = _("data query")
        verbose_name_plural = _("data queries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["tenant", "subject", "-at"], name="data_query_subject_idx")]

    def __str__(self) -> str:
        return f"{self.service_id} {self.case_number}"
