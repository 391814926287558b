"""Operators' writes to the working-day table."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.core import databases
from onestop.core.actors import Actor
from onestop.core.audit import record_action
from onestop.core.errors import ValidationFailed
from onestop.workdays.audit import WorkdaysAudit
from onestop.workdays.calendar import calendar_changed
from onestop.workdays.error_codes import WorkdaysErrorCode
from onestop.workdays.models import CalendarDay, CalendarYear, DayKind


def do_set_calendar_day(*, actor: Actor, day: date, kind: str, name: str = "") -> CalendarDay:
    if kind not in DayKind.values:
        raise ValidationFailed(
            WorkdaysErrorCode.CALENDAR_KIND_INVALID,
            _("Choose holiday or make-up working day."),
            field="kind",
        )
    if kind == DayKind.WORKDAY and day.weekday() < 5:
        raise ValidationFailed(
            WorkdaysErrorCode.CALENDAR_WORKDAY_ON_WEEKDAY,
            _("A make-up working day falls on a weekend."),
            field="day",
        )
    with databases.using(databases.PLATFORM), databases.action():  # the calendar is the platform's
        entry, _created = CalendarDay.objects.update_or_create(
            day=day, defaults={"kind": kind, "name": name, "updated_at": timezone.now()}
        )
        calendar_changed()
        record_action(
            actor=actor,
            action=WorkdaysAudit.SET_DAY,
            object_type="calendar_day",
            object_id=day.isoformat(),
            detail={"kind": kind, "name": name},
        )
    return entry


def do_remove_calendar_day(*, actor: Actor, day: date) -> None:
    with databases.using(databases.PLATFORM), databases.action():  # the calendar is the platform's
        CalendarDay.objects.filter(day=day).delete()
        calendar_changed()
        record_action(
            actor=actor,
            action=WorkdaysAudit.REMOVE_DAY,
            object_type="calendar_day",
            object_id=day.isoformat(),
        )


def do_mark_year_entered(*, actor: Actor, year: int) -> CalendarYear:
    """Say that every holiday and make-up day of the year is in the table."""
    with databases.using(databases.PLATFORM), databases.action():  # the calendar is the platform's
        entry, _created = CalendarYear.objects.update_or_create(
            year=year, defaults={"entered_at": timezone.now(), "entered_by": actor.label}
        )
        calendar_changed()
        record_action(
            actor=actor,
            action=WorkdaysAudit.MARK_YEAR_ENTERED,
            object_type="calendar_year",
            object_id=str(year),
        )
    return entry
