"""Rolling raw page views up per minute, hour and day (days in the platform's time zone).

Each run takes the minutes closed since the last run and recomputes, from the raw views,
the minutes, hours and days they fall in: views and distinct visitors, for all pages and
per page, service item and department. Raw views older than the retention period are
pruned; their days stay in the roll-ups.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, DateTimeField, Min
from django.db.models.functions import Trunc
from django.utils import timezone

from onestop.analytics.access import day_start
from onestop.analytics.models import Dimension, PageView, Period, RollupMark, TrafficRollup
from onestop.core import databases

FIELDS = {
    Dimension.ALL: None,
    Dimension.PAGE: "page",
    Dimension.ITEM: "item",
    Dimension.DEPARTMENT: "department",
}


def _floor(moment: datetime, period: str) -> datetime:
    local = timezone.localtime(moment)
    if period == Period.MINUTE:
        return local.replace(second=0, microsecond=0)
    if period == Period.HOUR:
        return local.replace(minute=0, second=0, microsecond=0)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _next(start: datetime, period: str) -> datetime:
    if period == Period.MINUTE:
        return start + timedelta(minutes=1)
    if period == Period.HOUR:
        return start + timedelta(hours=1)
    return day_start(start.date() + timedelta(days=1))  # the next local midnight


def _rows(period: str, start: datetime, end: datetime) -> list[TrafficRollup]:
    """The roll-ups of ``period`` in [start, end), from the raw views (a read)."""
    views = (
        PageView.objects.platform_wide()
        .filter(at__gte=start, at__lt=end)
        .annotate(
            bucket=Trunc("at", period, output_field=DateTimeField(), tzinfo=timezone.get_current_timezone())
        )
    )
    rows = []
    for dimension, field in FIELDS.items():
        group = ["tenant_id", "bucket"] + ([field] if field else [])
        found = views.exclude(**{field: ""}) if field else views
        for row in found.values(*group).annotate(n=Count("id"), v=Count("visitor", distinct=True)):
            rows.append(
                TrafficRollup(
                    tenant_id=row["tenant_id"],
                    period=period,
                    start=row["bucket"],
                    dimension=dimension,
                    key=row[field] if field else "",
                    views=row["n"],
                    visitors=row["v"],
                )
            )
    return rows


def roll_up(now: datetime | None = None) -> int:
    """Roll up every minute closed since the last run; the number of roll-up rows written.

    The counting (a whole day of raw views for the day's figures: tens of seconds on a
    busy day) is read before the transaction that writes its result, which takes a
    moment: on SQLite every other writer waits for that transaction. A run that finds
    the mark moved meanwhile (another worker's) writes nothing."""
    until = _floor(now or timezone.now(), Period.MINUTE)
    mark = RollupMark.objects.first()
    since = mark.until if mark else None
    if since is None:
        earliest = PageView.objects.platform_wide().aggregate(first=Min("at"))["first"]
        since = _floor(earliest, Period.MINUTE) if earliest else until
    if since >= until:
        return 0
    counted = []
    for period in (Period.MINUTE, Period.HOUR, Period.DAY):
        start = _floor(since, period)
        end = _next(_floor(until - timedelta(microseconds=1), period), period)
        counted.append((period, start, end, _rows(period, start, end)))
    with databases.atomic():
        current = RollupMark.objects.select_for_update().first()
        if (current.until if current else None) != (mark.until if mark else None):
            return 0
        for period, start, end, rows in counted:
            TrafficRollup.objects.platform_wide().filter(
                period=period, start__gte=start, start__lt=end
            ).delete()
            TrafficRollup.objects.bulk_create(rows, batch_size=1000)
        RollupMark.objects.update_or_create(pk=current.pk if current else None, defaults={"until": until})
        PageView.objects.platform_wide().filter(
            at__lt=until - timedelta(days=settings.ONESTOP_PAGEVIEW_RETENTION_DAYS)
        ).delete()
    return sum(len(rows) for *_span, rows in counted)
