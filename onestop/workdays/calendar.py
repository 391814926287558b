"""Counting working days.

Periods in administrative law count working days after the day the period starts: the
5 working days to ask for corrections run from the day after the materials arrived.
``add_working_days(start, 0)`` is the start itself ("on the spot").
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

from onestop.core import generations
from onestop.workdays.models import CalendarDay, CalendarYear, DayKind

PACKAGE_YEARS = range(2004, 2027)  # what chinesecalendar knows (checked by a test)
# Reads share one calendar per process (``WorkCalendar.current``), read again when the
# calendar's actions move its generation — at once in this process and in every process
# that shares the Redis cache — and at least every FRESH_SECONDS in the others.
GENERATION_KEY = "workdays:generation"
FRESH_SECONDS = 60
_current: tuple[int, float, WorkCalendar] | None = None


def calendar_changed() -> None:
    """Called by the calendar's actions inside their transaction (``core.generations``)."""
    generations.changed(GENERATION_KEY)


@dataclass(frozen=True, slots=True)
class Deadline:
    day: date
    unknown_years: frozenset[int] = field(default_factory=frozenset)

    @property
    def certain(self) -> bool:
        """False when the count crossed a year nobody has entered: weekends were assumed
        to be the only days off there."""
        return not self.unknown_years


class WorkCalendar:
    """One read of the operator's table. Writes (actions) read their own; reads share the
    process's (``current``). Each day's answer is kept once worked out."""

    def __init__(self) -> None:
        self.overrides: dict[date, str] = dict(CalendarDay.objects.values_list("day", "kind"))
        self.entered_years: set[int] = set(CalendarYear.objects.values_list("year", flat=True))
        self._working: dict[date, bool] = {}

    @classmethod
    def current(cls) -> WorkCalendar:
        """The calendar this process last read, unless it changed since or is a minute old."""
        global _current
        generation = generations.current(GENERATION_KEY)
        held = _current
        if held is not None and held[0] == generation and time.monotonic() - held[1] < FRESH_SECONDS:
            return held[2]
        calendar = cls()
        _current = (generation, time.monotonic(), calendar)
        return calendar

    @classmethod
    def from_entries(
        cls, overrides: dict[date, str] | None = None, entered_years: set[int] | None = None
    ) -> WorkCalendar:
        """A calendar from given entries, without reading the database (for computations
        in bulk and tests)."""
        calendar = cls.__new__(cls)
        calendar.overrides, calendar.entered_years = dict(overrides or {}), set(entered_years or ())
        calendar._working = {}
        return calendar

    def knows(self, year: int) -> bool:
        return year in PACKAGE_YEARS or year in self.entered_years

    def is_working_day(self, day: date) -> bool:
        known = self._working.get(day)
        if known is None:
            known = self._working[day] = self._work_out(day)
        return known

    def _work_out(self, day: date) -> bool:
        kind = self.overrides.get(day)
        if kind is not None:
            return kind == DayKind.WORKDAY
        if day.year in PACKAGE_YEARS:
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5

    def add_working_days(self, start: date, days: int) -> Deadline:
        day, remaining, unknown = start, days, set()
        while remaining > 0:
            day += timedelta(days=1)
            if not self.knows(day.year):
                unknown.add(day.year)
            if self.is_working_day(day):
                remaining -= 1
        return Deadline(day, frozenset(unknown))

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count
