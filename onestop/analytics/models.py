"""Page views of the portal: append-only events, and their roll-ups per minute, hour and
day by page, service item and department."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onestop.tenancy.models import TenantOwned


class PageView(TenantOwned):
    """One page of the portal served; never changed, pruned after the retention period."""

    at = models.DateTimeField()
    page = models.CharField(max_length=48)  # the view's name, e.g. "catalogue:guide"
    item = models.CharField(max_length=40, blank=True)
    department = models.CharField(max_length=40, blank=True)
    visitor = models.CharField(max_length=16)  # a keyed hash of the visitor's cookie

    class Meta:
        indexes = [models.Index(fields=["tenant", "at"], name="pageview_tenant_at")]

    def __str__(self) -> str:
        return f"{self.page} {self.at:%Y-%m-%d %H:%M}"


class Period(models.TextChoices):
    MINUTE = "minute", _("Minute")
    HOUR = "hour", _("Hour")
    DAY = "day", _("Day")


class Dimension(models.TextChoices):
    ALL = "all", _("All pages")
    PAGE = "page", _("Page")
    ITEM = "item", _("Service item")
    DEPARTMENT = "department", _("Department")


class TrafficRollup(TenantOwned):
    """Views and unique visitors in one period, for all pages or one page, item or
    department (``key``)."""

    period = models.CharField(max_length=8, choices=Period.choices)
    start = models.DateTimeField()
    dimension = models.CharField(max_length=12, choices=Dimension.choices)
    key = models.CharField(max_length=48, blank=True)
    views = models.PositiveBigIntegerField(default=0)
    visitors = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "period", "start", "dimension", "key"],
                name="one_rollup_per_period",
            )
        ]
        indexes = [models.Index(fields=["tenant", "period", "dimension", "start"], name="rollup_lookup")]

    def __str__(self) -> str:
        return f"{self.period} {self.start:%Y-%m-%d %H:%M} {self.dimension}:{self.key} {self.views}"


class RollupMark(models.Model):
    """How far raw page views have been rolled up (one row)."""

    until = models.DateTimeField()

    def __str__(self) -> str:
        return f"rolled up until {self.until:%Y-%m-%d %H:%M}"
