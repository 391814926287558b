"""Tenants and what every tenant owns first: its regions and its departments."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from onestop.tenancy.scoping import TenantOwnedManager


class TenantKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    ENTERPRISE = "enterprise", _("Enterprise")
    SANDBOX = "sandbox", _("Sandbox")


class Bilingual:
    """Models with ``name`` (official, Chinese) and ``name_en`` show the one that fits
    the active language, falling back to the official name."""

    name: str
    name_en: str

    @property
    def display_name(self) -> str:
        language = get_language() or ""
        if language.startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Tenant(Bilingual, models.Model):
    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=128)
    name_en = models.CharField(max_length=128, blank=True)
    kind = models.CharField(max_length=16, choices=TenantKind.choices)
    is_public = models.BooleanField(default=True)
    # Made by `onestop demo` (fake places, people and published passwords): production
    # refuses to start while one exists (system check onestop.E004).
    demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    # Placement, read from the directory (the default database's copy of this row): the
    # database the tenant's rows live on, and the one it is being moved to, if any.
    database = models.CharField(max_length=32, default="default")
    moving_to = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class TenantOwned(models.Model):
    """Every tenant-owned row carries its tenant. Read such rows through the owning app's
    ``access`` helpers, which always filter by tenant; the manager refuses a query that
    names none (``tenancy.scoping``)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")

    objects = TenantOwnedManager()

    class Meta:
        abstract = True


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")


class Region(Bilingual, TenantOwned):
    """An administrative region with its GB/T 2260 six-digit code."""

    code = models.CharField(max_length=6)
    name = models.CharField(max_length=64)
    name_en = models.CharField(max_length=64, blank=True)
    level = models.CharField(max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["tenant", "code"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="region_code_unique_in_tenant")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Department(Bilingual, TenantOwned):
    """An implementing body (实施主体), attached to a region at its level.

    ``line`` names the functional line (e.g. human resources and social security) that
    departments of the same kind share across regions: a county-level item is handled by
    the department of its line in the applicant's county.
    """

    code = models.CharField(max_length=32)
    name = models.CharField(max_length=128)
    name_en = models.CharField(max_length=160, blank=True)
    short_name = models.CharField(max_length=32, blank=True)
    line = models.CharField(max_length=32)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments")
    phone = models.CharField(max_length=32, blank=True)
    address = models.CharField(max_length=256, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["tenant", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="department_code_unique_in_tenant")
        ]
        indexes = [models.Index(fields=["tenant", "line"], name="department_line_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def display_short_name(self) -> str:
        """The short name (公安, 人社) in Chinese; the full English name otherwise."""
        language = get_language() or ""
        if language.startswith("en") and self.name_en:
            return self.name_en
        return self.short_name or self.name
