"""``onestop calendar``: the operator's holiday table.

onestop calendar show 2027
onestop calendar set 2027-02-06 holiday 春节
onestop calendar set 2027-02-14 workday 春节调休
onestop calendar remove 2027-02-06
onestop calendar entered 2027      (every holiday of 2027 is in)
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.core.actors import Actor
from onestop.core.errors import ValidationFailed
from onestop.workdays.actions import (
    do_mark_year_entered,
    do_remove_calendar_day,
    do_set_calendar_day,
)
from onestop.workdays.calendar import WorkCalendar
from onestop.workdays.models import CalendarDay


class Command(BaseCommand):
    help = "Show and edit the working-day table (holidays and make-up working days)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show")
        show.add_argument("year", type=int)
        put = sub.add_parser("set")
        put.add_argument("day", type=date.fromisoformat)
        put.add_argument("kind", choices=["holiday", "workday"])
        put.add_argument("name", nargs="?", default="")
        remove = sub.add_parser("remove")
        remove.add_argument("day", type=date.fromisoformat)
        entered = sub.add_parser("entered")
        entered.add_argument("year", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.system("calendar command")
        try:
            if options["action"] == "set":
                do_set_calendar_day(
                    actor=actor, day=options["day"], kind=options["kind"], name=options["name"]
                )
            elif options["action"] == "remove":
                do_remove_calendar_day(actor=actor, day=options["day"])
            elif options["action"] == "entered":
                do_mark_year_entered(actor=actor, year=options["year"])
        except ValidationFailed as error:
            raise CommandError(f"{error.code}: {error.message}") from None
        year = options.get("year") or options["day"].year
        calendar = WorkCalendar()
        source = (
            "operator entries"
            if year in calendar.entered_years
            else ("chinesecalendar" if calendar.knows(year) else "NOT ENTERED: weekends only")
        )
        self.stdout.write(f"{year}: {source}")
        for entry in CalendarDay.objects.filter(day__year=year):
            self.stdout.write(f"  {entry.day}  {entry.kind:8}  {entry.name}")
