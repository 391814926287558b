"""Applications and cases for tests, made through the actions a citizen's steps take (or,
for a case from the past, an operator's import of history)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from onestop.cases.actions import (
    HistorySpec,
    do_import_case_history,
    do_save_answers,
    do_start_application,
    do_submit_application,
)
from onestop.cases.models import Case
from onestop.catalogue.models import ServiceItem
from onestop.identity.access import actor_for
from onestop.identity.models import User
from onestop.tenancy.tests.factories import FACTORY
from onestop.workdays.calendar import WorkCalendar


def make_case(applicant: User, item: ServiceItem) -> Case:
    """A case received today: the applicant started an application for the item (made by
    ``make_item``), answered its form and submitted it."""
    actor = actor_for(applicant)
    assert applicant.tenant is not None
    application = do_start_application(actor=actor, user=applicant, tenant=applicant.tenant, item=item)
    application = do_save_answers(actor=actor, application=application, answers={"pledge": True})
    return do_submit_application(actor=actor, application=application)


def working_days_ago(count: int) -> date:
    """The working day ``count`` working days before today."""
    calendar, today = WorkCalendar(), timezone.localdate()
    day = today
    while not (calendar.working_days_between(day, today) == count and calendar.is_working_day(day)):
        day -= timedelta(days=1)
    return day


def make_past_case(applicant: User, item: ServiceItem, *, received_on: date) -> Case:
    """A case received on a past day and never answered, brought in as history (the
    clock has not run since)."""
    assert applicant.tenant is not None
    history = HistorySpec(
        applicant_id=applicant.pk, item_code=item.code, received_on=received_on, data={"pledge": True}
    )
    do_import_case_history(actor=FACTORY, tenant=applicant.tenant, histories=[history])
    return Case.objects.of(applicant.tenant).filter(applicant=applicant).latest("id")
