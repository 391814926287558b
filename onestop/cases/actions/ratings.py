"""Ratings of concluded cases and the rectification tickets bad ones open."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.cases import events
from onestop.cases.access import law_day
from onestop.cases.actions.steps import RECTIFICATION_DAYS, _check_officer
from onestop.cases.audit import CasesAudit
from onestop.cases.error_codes import CaseErrorCode
from onestop.cases.lifecycle import (
    State,
)
from onestop.cases.models import (
    Case,
    Rating,
    RatingTag,
    RectificationTicket,
)
from onestop.core import databases, stamps
from onestop.core.audit import Event, record_action
from onestop.core.errors import Conflict, NotFound, ValidationFailed
from onestop.workdays.calendar import WorkCalendar

if TYPE_CHECKING:
    from onestop.core.actors import Actor
    from onestop.identity.models import User


def do_rate(
    *,
    actor: Actor,
    applicant: User,
    case: Case,
    score: int,
    tags: Sequence[str] = (),
    comment: str = "",
) -> Rating:
    """One rating per concluded case; 1 or 2 opens a rectification ticket for the
    department, due in 15 working days."""
    if case.applicant_id != applicant.pk:
        raise NotFound(CaseErrorCode.CASE_NOT_FOUND, _("No such case."))
    if case.state not in (State.CONCLUDED, State.CERTIFICATE_ISSUED, State.NOT_ACCEPTED):
        raise Conflict(CaseErrorCode.NOT_CONCLUDED, _("A case can be rated once it is concluded."))
    if not 1 <= score <= 5 or not set(tags) <= set(RatingTag.values):
        raise ValidationFailed(
            CaseErrorCode.RATING_INVALID,
            _("Rate from 1 to 5 with the tags offered."),
            field="score",
        )
    calendar = WorkCalendar()
    with databases.action():
        try:
            with databases.atomic():
                rating = Rating.objects.create(
                    tenant=case.tenant,
                    case=case,
                    department=case.department,
                    item=case.item,
                    score=score,
                    tags=list(tags),
                    comment=comment[:500],
                )
        except IntegrityError:
            raise Conflict(CaseErrorCode.ALREADY_RATED, _("This case has been rated already.")) from None
        stamps.touch(case.applicant_id)  # their case page shows the rating
        written = [
            Event(
                events.RATING_CREATED,
                {"tenant": case.tenant.code, "case": case.number, "score": score},
            )
        ]
        if score <= 2:
            opened = law_day()
            RectificationTicket.objects.create(
                tenant=case.tenant,
                case=case,
                rating=rating,
                department=case.department,
                opened_on=opened,
                due_on=calendar.add_working_days(opened, RECTIFICATION_DAYS).day,
            )
            written.append(
                Event(events.RECTIFICATION_OPENED, {"tenant": case.tenant.code, "case": case.number})
            )
        record_action(
            actor=actor,
            action=CasesAudit.RATE,
            tenant_code=case.tenant.code,
            object_type="case",
            object_id=case.number,
            detail={"score": score, "tags": list(tags)},
            events=written,
        )
    return rating


def do_answer_rectification(
    *, actor: Actor, officer: User, ticket: RectificationTicket, answer: str
) -> RectificationTicket:
    _check_officer(officer, ticket.case, actor)
    if not answer.strip():
        raise ValidationFailed(
            CaseErrorCode.COMMENT_REQUIRED, _("Every step needs a comment."), field="answer"
        )
    with databases.action():
        ticket.answer, ticket.answered_at = answer.strip(), timezone.now()
        ticket.save(update_fields=["answer", "answered_at"])
        record_action(
            actor=actor,
            action=CasesAudit.ANSWER_RECTIFICATION,
            tenant_code=ticket.case.tenant.code,
            object_type="case",
            object_id=ticket.case.number,
        )
    return ticket
