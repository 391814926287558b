"""The lifecycle of a case, free of storage: states, the transitions allowed between them,
and the clock that the Administrative Licensing Law sets.

- Received (已收件): the department accepts, refuses acceptance (with a reason and where to
  go instead) or asks for corrections, listing everything missing at once, within
  5 working days; if it does none of these in time, the case counts as accepted on the
  day the materials arrived. That is the law, not a background job: ``as_of`` gives the
  case as the law has it on any day, and ``advance`` records the deemed acceptance before
  any later step and refuses a late answer to the receipt.
- Accepted (已受理), under review: a decision is due within the item's committed limit in
  working days after acceptance, extendable once by 10 working days with a reason.
- Special procedure (特别程序: hearing, testing, expert review) stops the clock.
- Decided (approved or refused with a reason), concluded (已办结), certificate issued: an
  approval of an item that issues a certificate (electronic or paper) starts the third
  clock, 10 working days to issue it (Art. 44), which issuing it ends.
- The applicant may withdraw until a decision is made.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from onestop.workdays.calendar import Deadline, WorkCalendar

ACCEPTANCE_DAYS = 5
EXTENSION_DAYS = 10
CERTIFICATE_DAYS = 10  # Administrative Licensing Law, Art. 44
DUE_SOON_DAYS = 2


class State(StrEnum):
    RECEIVED = "received"
    CORRECTION_REQUESTED = "correction_requested"
    NOT_ACCEPTED = "not_accepted"
    ACCEPTED = "accepted"
    UNDER_REVIEW = "under_review"
    SPECIAL_PROCEDURE = "special_procedure"
    DECIDED = "decided"
    CONCLUDED = "concluded"
    CERTIFICATE_ISSUED = "certificate_issued"
    WITHDRAWN = "withdrawn"


class Transition(StrEnum):
    ACCEPT = "accept"
    DEEM_ACCEPTED = "deem_accepted"
    NOT_ACCEPT = "not_accept"
    REQUEST_CORRECTION = "request_correction"
    RESUBMIT = "resubmit"
    START_REVIEW = "start_review"
    SUSPEND = "suspend"
    RESUME = "resume"
    EXTEND = "extend"
    DECIDE = "decide"
    CONCLUDE = "conclude"
    ISSUE_CERTIFICATE = "issue_certificate"
    WITHDRAW = "withdraw"


class Decision(StrEnum):
    APPROVED = "approved"
    REFUSED = "refused"


DECISIONS = frozenset(d.value for d in Decision)


class Clock(StrEnum):
    """What the running deadline is for."""

    ACCEPTANCE = "acceptance"  # accept, refuse acceptance or ask for corrections
    DECISION = "decision"
    CERTIFICATE = "certificate"


class PublicState(StrEnum):
    """The six progress states citizens see."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    UNDER_REVIEW = "under_review"
    SPECIAL_PROCEDURE = "special_procedure"
    CONCLUDED = "concluded"
    CERTIFICATE_ISSUED = "certificate_issued"


S = State
# transition: (states it may start from, state it leads to; None keeps the state)
TRANSITIONS: dict[Transition, tuple[frozenset[State], State | None]] = {
    Transition.ACCEPT: (frozenset({S.RECEIVED}), S.ACCEPTED),
    Transition.DEEM_ACCEPTED: (frozenset({S.RECEIVED}), S.ACCEPTED),
    Transition.NOT_ACCEPT: (frozenset({S.RECEIVED, S.CORRECTION_REQUESTED}), S.NOT_ACCEPTED),
    Transition.REQUEST_CORRECTION: (frozenset({S.RECEIVED}), S.CORRECTION_REQUESTED),
    Transition.RESUBMIT: (frozenset({S.CORRECTION_REQUESTED}), S.RECEIVED),
    Transition.START_REVIEW: (frozenset({S.ACCEPTED}), S.UNDER_REVIEW),
    Transition.SUSPEND: (frozenset({S.UNDER_REVIEW}), S.SPECIAL_PROCEDURE),
    Transition.RESUME: (frozenset({S.SPECIAL_PROCEDURE}), S.UNDER_REVIEW),
    Transition.EXTEND: (frozenset({S.ACCEPTED, S.UNDER_REVIEW, S.SPECIAL_PROCEDURE}), None),
    Transition.DECIDE: (frozenset({S.ACCEPTED, S.UNDER_REVIEW}), S.DECIDED),
    Transition.CONCLUDE: (frozenset({S.DECIDED}), S.CONCLUDED),
    Transition.ISSUE_CERTIFICATE: (frozenset({S.CONCLUDED}), S.CERTIFICATE_ISSUED),
    Transition.WITHDRAW: (
        frozenset({S.RECEIVED, S.CORRECTION_REQUESTED, S.ACCEPTED, S.UNDER_REVIEW, S.SPECIAL_PROCEDURE}),
        S.WITHDRAWN,
    ),
}
# The steps the department takes (not the applicant's, nor the clock's), in the order the
# officer's page offers them.
OFFICER_STEPS: tuple[Transition, ...] = (
    Transition.ACCEPT,
    Transition.REQUEST_CORRECTION,
    Transition.NOT_ACCEPT,
    Transition.START_REVIEW,
    Transition.DECIDE,
    Transition.SUSPEND,
    Transition.RESUME,
    Transition.EXTEND,
    Transition.CONCLUDE,
    Transition.ISSUE_CERTIFICATE,  # a paper licence still to be issued
)
OFFICER_TRANSITIONS = frozenset(OFFICER_STEPS)


def officer_steps(state: State) -> list[Transition]:
    """The department's steps the lifecycle allows from ``state`` (one list, kept with the
    transitions: no page keeps a copy)."""
    return [step for step in OFFICER_STEPS if state in TRANSITIONS[step][0]]


TERMINAL = frozenset({S.NOT_ACCEPTED, S.CERTIFICATE_ISSUED, S.WITHDRAWN})
CLOCK_RUNNING = frozenset({S.ACCEPTED, S.UNDER_REVIEW})
# The answers to a receipt, which the law allows within its 5 working days only.
RECEIPT_ANSWERS = frozenset({Transition.ACCEPT, Transition.NOT_ACCEPT, Transition.REQUEST_CORRECTION})
PUBLIC = {
    S.RECEIVED: PublicState.RECEIVED,
    S.CORRECTION_REQUESTED: PublicState.RECEIVED,
    S.NOT_ACCEPTED: PublicState.CONCLUDED,
    S.ACCEPTED: PublicState.ACCEPTED,
    S.UNDER_REVIEW: PublicState.UNDER_REVIEW,
    S.SPECIAL_PROCEDURE: PublicState.SPECIAL_PROCEDURE,
    S.DECIDED: PublicState.CONCLUDED,
    S.CONCLUDED: PublicState.CONCLUDED,
    S.CERTIFICATE_ISSUED: PublicState.CERTIFICATE_ISSUED,
    S.WITHDRAWN: PublicState.CONCLUDED,
}


class IllegalTransition(Exception):
    def __init__(self, transition: Transition, state: State, reason: str = "") -> None:
        super().__init__(f"{transition} is not possible from {state}{': ' + reason if reason else ''}")
        self.transition, self.state, self.reason = transition, state, reason


class CorrectionPeriodOver(IllegalTransition):
    """An answer to the receipt after its 5 working days: the case counts as accepted."""

    def __init__(self, transition: Transition, state: State) -> None:
        super().__init__(
            transition,
            state,
            "the 5 working days to answer are over: the case counts as accepted on receipt",
        )


class SlaState(StrEnum):
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    PAUSED = "paused"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class CaseFlow:
    """A case's position in its lifecycle and the facts its clock needs."""

    limit_days: int
    received_on: date
    state: State = S.RECEIVED
    accepted_on: date | None = None
    decided_on: date | None = None
    concluded_on: date | None = None
    suspended_on: date | None = None
    paused_days: int = 0
    extension_days: int = 0
    decision: str = ""
    decided_on_time: bool | None = None
    # Set by an approving decision on an item that issues a certificate (or paper licence).
    issues_certificate: bool = False
    issued_on: date | None = None

    def allowed(self, on: date, calendar: WorkCalendar) -> list[Transition]:
        """The transitions ``apply`` takes on the day (a decision needs its outcome)."""
        on = max(on, self._last_date())
        return [
            t
            for t, (sources, _target) in TRANSITIONS.items()
            if self.state in sources and self._refusal(t, on, calendar) is None
        ]

    def _refusal(self, transition: Transition, on: date, calendar: WorkCalendar) -> IllegalTransition | None:
        if transition == Transition.EXTEND and self.extension_days:
            return IllegalTransition(transition, self.state, "the limit was extended already")
        if transition == Transition.ISSUE_CERTIFICATE and self.decision != Decision.APPROVED:
            return IllegalTransition(transition, self.state, "only an approval leads to a certificate")
        if transition == Transition.DEEM_ACCEPTED and not self.correction_period_over(on, calendar):
            return IllegalTransition(transition, self.state, "the 5 working days are not over")
        if transition in RECEIPT_ANSWERS and self.correction_period_over(on, calendar):
            return CorrectionPeriodOver(transition, self.state)
        return None

    def apply(
        self,
        transition: Transition,
        *,
        on: date,
        calendar: WorkCalendar,
        decision: str = "",
        issues_certificate: bool = False,
    ) -> CaseFlow:
        """One transition on the day, or IllegalTransition with nothing changed.
        ``issues_certificate`` says, for a decision, whether the item issues a
        certificate (or a paper licence) when approved."""
        sources, target = TRANSITIONS[transition]
        if self.state not in sources:
            raise IllegalTransition(transition, self.state)
        on = max(on, self._last_date())  # a case's dates never run backwards
        if refusal := self._refusal(transition, on, calendar):
            raise refusal
        if transition == Transition.DECIDE and decision not in DECISIONS:
            raise IllegalTransition(transition, self.state, "a decision is approved or refused")
        changes: dict[str, object] = {"state": target or self.state}
        if transition == Transition.ACCEPT:
            changes["accepted_on"] = on
        elif transition == Transition.DEEM_ACCEPTED:
            # The law counts the case accepted on the day the materials arrived.
            changes["accepted_on"] = self.received_on
        elif transition == Transition.RESUBMIT:
            changes["received_on"] = on  # the 5 working days start again
        elif transition == Transition.SUSPEND:
            changes["suspended_on"] = on
        elif transition == Transition.RESUME:
            assert self.suspended_on is not None
            changes["paused_days"] = self.paused_days + calendar.working_days_between(self.suspended_on, on)
            changes["suspended_on"] = None
        elif transition == Transition.EXTEND:
            changes["extension_days"] = EXTENSION_DAYS
        elif transition == Transition.DECIDE:
            due = self.due_on(calendar)
            changes.update(
                decided_on=on,
                decision=decision,
                decided_on_time=due is None or on <= due,
                issues_certificate=decision == Decision.APPROVED and issues_certificate,
            )
        elif transition == Transition.ISSUE_CERTIFICATE:
            changes["issued_on"] = on
        elif transition in (Transition.CONCLUDE, Transition.NOT_ACCEPT, Transition.WITHDRAW):
            changes["concluded_on"] = on
            if self.state == S.SPECIAL_PROCEDURE and self.suspended_on is not None:
                changes["paused_days"] = self.paused_days + calendar.working_days_between(
                    self.suspended_on, on
                )
                changes["suspended_on"] = None
        return replace(self, **changes)  # type: ignore[arg-type]

    def advance(
        self,
        transition: Transition,
        *,
        on: date,
        calendar: WorkCalendar,
        decision: str = "",
        issues_certificate: bool = False,
    ) -> list[tuple[Transition, CaseFlow]]:
        """The steps a transition taken on the day makes, each with the flow after it:
        first the deemed acceptance if the law has it by then and nobody recorded it,
        then the transition. An answer to the receipt after its 5 working days is
        refused (CorrectionPeriodOver) rather than preceded by the deemed acceptance."""
        steps: list[tuple[Transition, CaseFlow]] = []
        flow = self
        if transition not in RECEIPT_ANSWERS and transition != Transition.DEEM_ACCEPTED:
            law = self.as_of(on, calendar)
            if law is not self:
                steps.append((Transition.DEEM_ACCEPTED, law))
                flow = law
        after = flow.apply(
            transition,
            on=on,
            calendar=calendar,
            decision=decision,
            issues_certificate=issues_certificate,
        )
        return [*steps, (transition, after)]

    def acceptance_due_on(self, calendar: WorkCalendar) -> date:
        """The last day to accept, refuse acceptance or ask for corrections."""
        return calendar.add_working_days(self.received_on, ACCEPTANCE_DAYS).day

    def correction_period_over(self, on: date, calendar: WorkCalendar) -> bool:
        """Received, and the 5 working days after receipt have passed by the day."""
        return self.state == S.RECEIVED and on > self.acceptance_due_on(calendar)

    def as_of(self, on: date, calendar: WorkCalendar) -> CaseFlow:
        """The case as the law has it on the day: a case left unanswered for 5 working
        days after receipt counts as accepted on the day the materials arrived, whether
        or not anyone has recorded it yet. Itself when nothing is due."""
        if not self.correction_period_over(on, calendar):
            return self
        return self.apply(Transition.DEEM_ACCEPTED, on=on, calendar=calendar)

    def deemed_due_on(self, calendar: WorkCalendar) -> date | None:
        """While received: the decision's due day should the case come to count as
        accepted on receipt (what queue filters read before anyone records it)."""
        if self.state != S.RECEIVED:
            return None
        deemed = replace(self, state=S.ACCEPTED, accepted_on=self.received_on)
        return deemed.due_on(calendar)

    def _last_date(self) -> date:
        dates = [
            d
            for d in (
                self.received_on,
                self.accepted_on,
                self.decided_on,
                self.concluded_on,
                self.suspended_on,
                self.issued_on,
            )
            if d
        ]
        return max(dates)

    @property
    def clock(self) -> Clock | None:
        """The deadline that runs: acceptance while received, the decision once accepted
        (standing still in a special procedure), the certificate once an approval of an
        item that issues one is made and until it is issued; none otherwise."""
        if self.state == S.RECEIVED:
            return Clock.ACCEPTANCE
        if self.state in CLOCK_RUNNING or self.state == S.SPECIAL_PROCEDURE:
            return Clock.DECISION
        if (
            self.state in (S.DECIDED, S.CONCLUDED)
            and self.decision == Decision.APPROVED
            and self.issues_certificate
        ):
            return Clock.CERTIFICATE
        return None

    def deadline(self, calendar: WorkCalendar) -> Deadline | None:
        """The running clock's deadline, counted in working days (uncertain when the
        count crosses a year whose holidays nobody entered)."""
        clock = self.clock
        if clock == Clock.ACCEPTANCE:
            return calendar.add_working_days(self.received_on, ACCEPTANCE_DAYS)
        if clock == Clock.DECISION:
            assert self.accepted_on is not None
            total = self.limit_days + self.extension_days + self.paused_days
            return calendar.add_working_days(self.accepted_on, total)
        if clock == Clock.CERTIFICATE:
            assert self.decided_on is not None
            return calendar.add_working_days(self.decided_on, CERTIFICATE_DAYS)
        return None

    def due_on(self, calendar: WorkCalendar) -> date | None:
        """The day the running clock's step is due; none when no clock runs."""
        deadline = self.deadline(calendar)
        return deadline.day if deadline is not None else None

    def sla(self, today: date, calendar: WorkCalendar) -> SlaState:
        if self.state == S.SPECIAL_PROCEDURE:
            return SlaState.PAUSED
        due = self.due_on(calendar)
        if due is None:
            return SlaState.CLOSED
        if today > due:
            return SlaState.OVERDUE
        if calendar.working_days_between(today, due) <= DUE_SOON_DAYS:
            return SlaState.DUE_SOON
        return SlaState.ON_TIME

    @property
    def public_state(self) -> PublicState:
        return PUBLIC[self.state]

    def processing_days(self, calendar: WorkCalendar) -> int | None:
        """Working days from acceptance to decision, special procedures excluded."""
        if self.accepted_on is None or self.decided_on is None:
            return None
        return max(0, calendar.working_days_between(self.accepted_on, self.decided_on) - self.paused_days)


def progress(
    states_entered: Iterable[State], *, closed: bool, issues_certificate: bool
) -> list[tuple[PublicState, bool]]:
    """The citizen's progress bar: each step and whether the case actually passed it.

    A special procedure is a step only if one happened, the certificate only if the item
    issues one (or one was issued). A closed case (not accepted, withdrawn, concluded)
    shows only the steps it passed: a refusal at the counter never passed acceptance.
    """
    passed = {PublicState.RECEIVED} | {PUBLIC[state] for state in states_entered}
    steps = [PublicState.RECEIVED, PublicState.ACCEPTED, PublicState.UNDER_REVIEW]
    if PublicState.SPECIAL_PROCEDURE in passed:
        steps.append(PublicState.SPECIAL_PROCEDURE)
    steps.append(PublicState.CONCLUDED)
    if issues_certificate or PublicState.CERTIFICATE_ISSUED in passed:
        steps.append(PublicState.CERTIFICATE_ISSUED)
    if closed:
        steps = [step for step in steps if step in passed]
    return [(step, step in passed) for step in steps]
