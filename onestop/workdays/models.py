from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    WORKDAY = "workday", _("Make-up working day")


class CalendarDay(models.Model):
    """An operator's entry: a statutory holiday on a weekday, or a weekend day that is a
    working day. It overrides what the package says for that date."""

    day = models.DateField(unique=True)
    kind = models.CharField(max_length=16, choices=DayKind.choices)
    name = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.kind}"


class CalendarYear(models.Model):
    """A year whose holidays an operator has entered completely (after the State
    Council's annual notice). Deadlines in years neither the package nor an operator
    covers carry a warning."""

    year = models.PositiveSmallIntegerField(unique=True)
    entered_at = models.DateTimeField(default=timezone.now)
    entered_by = models.CharField(max_length=128)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)
