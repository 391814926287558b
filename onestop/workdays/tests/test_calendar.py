"""Working-day counting over the Spring Festival and National Day with their make-up
Saturdays and Sundays, and years nobody has entered."""

from __future__ import annotations

from datetime import date

import chinese_calendar
import pytest

from onestop.core.actors import Actor
from onestop.workdays.actions import do_mark_year_entered, do_set_calendar_day
from onestop.workdays.calendar import PACKAGE_YEARS, WorkCalendar

pytestmark = [pytest.mark.django_db, pytest.mark.own_data]
ACTOR = Actor.system("test")


def test_the_package_knows_the_years_we_say_it_knows() -> None:
    assert chinese_calendar.is_workday(date(PACKAGE_YEARS[-1], 6, 1)) in (True, False)
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(PACKAGE_YEARS[-1] + 1, 6, 1))


def test_spring_festival_2025_and_its_make_up_days() -> None:
    calendar = WorkCalendar()
    # Holidays 28 January to 4 February; Sunday 26 January and Saturday 8 February worked.
    assert calendar.is_working_day(date(2025, 1, 26))
    assert not any(calendar.is_working_day(date(2025, 1, d)) for d in range(28, 32))
    assert not any(calendar.is_working_day(date(2025, 2, d)) for d in range(1, 5))
    assert calendar.is_working_day(date(2025, 2, 8))
    # Materials arriving on Friday 24 January: 5 working days are 26, 27 January, then
    # 5, 6 and 7 February.
    assert calendar.add_working_days(date(2025, 1, 24), 5).day == date(2025, 2, 7)
    assert calendar.add_working_days(date(2025, 1, 24), 6).day == date(2025, 2, 8)


def test_national_day_2025_and_its_make_up_days() -> None:
    calendar = WorkCalendar()
    # Holidays 1 to 8 October; Sunday 28 September and Saturday 11 October worked.
    assert calendar.is_working_day(date(2025, 9, 28)) and calendar.is_working_day(date(2025, 10, 11))
    assert not any(calendar.is_working_day(date(2025, 10, d)) for d in range(1, 9))
    # 20 working days from Friday 26 September: 28, 29, 30 September (3), 9, 10 and
    # Saturday 11 October (6), 13-17 (11), 20-24 (16), 27, 28, 29, 30 October (20).
    deadline = calendar.add_working_days(date(2025, 9, 26), 20)
    assert deadline.day == date(2025, 10, 30) and deadline.certain
    assert calendar.working_days_between(date(2025, 9, 26), date(2025, 10, 30)) == 20


def test_zero_working_days_is_the_same_day() -> None:
    assert WorkCalendar().add_working_days(date(2025, 10, 3), 0).day == date(2025, 10, 3)


def test_a_deadline_in_a_year_nobody_entered_carries_a_warning() -> None:
    year = PACKAGE_YEARS[-1] + 1  # 2027
    # From Sunday 20 December 2026: nine working days in 2026, then 2027 counted by
    # weekends alone (1 January a working day), so the twentieth is Friday 15 January.
    deadline = WorkCalendar().add_working_days(date(year - 1, 12, 20), 20)
    assert deadline.day == date(year, 1, 15) and not deadline.certain and deadline.unknown_years == {year}
    # The operator enters New Year's Day and marks the year entered.
    do_set_calendar_day(actor=ACTOR, day=date(year, 1, 1), kind="holiday", name="元旦")
    do_mark_year_entered(actor=ACTOR, year=year)
    entered = WorkCalendar().add_working_days(date(year - 1, 12, 20), 20)
    assert entered.certain and entered.day == date(year, 1, 18)


def test_operator_entries_override_the_package() -> None:
    do_set_calendar_day(actor=ACTOR, day=date(2025, 3, 3), kind="holiday", name="本地假日")
    assert not WorkCalendar().is_working_day(date(2025, 3, 3))


def test_a_make_up_day_must_fall_on_a_weekend() -> None:
    from onestop.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as raised:
        do_set_calendar_day(actor=ACTOR, day=date(2025, 3, 4), kind="workday")
    assert raised.value.field == "day"


def test_operators_edit_the_table_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    from django.core.management import CommandError, call_command

    year = PACKAGE_YEARS[-1] + 1
    call_command("calendar", "set", f"{year}-10-01", "holiday", "国庆节")
    call_command("calendar", "entered", str(year))
    out = capsys.readouterr().out
    assert f"{year}-10-01  holiday   国庆节" in out and f"{year}: operator entries" in out
    assert not WorkCalendar().is_working_day(date(year, 10, 1))
    with pytest.raises(CommandError, match="calendar_workday_on_weekday"):
        call_command("calendar", "set", f"{year}-10-04", "workday")


def test_reads_share_one_calendar_until_an_action_changes_it(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    shared = WorkCalendar.current()
    with django_assert_num_queries(0):
        assert WorkCalendar.current() is shared
        assert shared.is_working_day(date(2026, 10, 9)) and shared.is_working_day(date(2026, 10, 9))
    # A Friday declared a holiday: the next read sees it.
    do_set_calendar_day(actor=ACTOR, day=date(2026, 10, 9), kind="holiday", name="试验")
    changed = WorkCalendar.current()
    assert changed is not shared and not changed.is_working_day(date(2026, 10, 9))
    assert WorkCalendar.current() is changed
