"""The case lifecycle as a state machine: 10,000 random steps (100 runs of 100), every
step either allowed by the transition table and applied, or refused with nothing changed;
and the clocks (acceptance, decision, certificate) agree with an independent count of
working days, with the deemed acceptance the law has once 5 working days pass."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from onestop.cases.lifecycle import (
    ACCEPTANCE_DAYS,
    CERTIFICATE_DAYS,
    CLOCK_RUNNING,
    DECISIONS,
    PUBLIC,
    RECEIPT_ANSWERS,
    TERMINAL,
    TRANSITIONS,
    CaseFlow,
    Clock,
    CorrectionPeriodOver,
    Decision,
    IllegalTransition,
    PublicState,
    SlaState,
    State,
    Transition,
)
from onestop.workdays.calendar import WorkCalendar

CALENDAR = WorkCalendar.from_entries()


class CaseMachine(RuleBasedStateMachine):
    @initialize(
        limit=st.integers(min_value=0, max_value=30),
        start=st.dates(date(2024, 12, 1), date(2025, 12, 31)),
        issues=st.booleans(),
    )
    def receive(self, limit: int, start: date, issues: bool) -> None:
        self.flow = CaseFlow(limit_days=limit, received_on=start)
        self.issues = issues  # the item issues a certificate when approved
        self.today = start
        self.history: list[tuple[State, State]] = []

    @rule(
        transition=st.sampled_from(list(Transition)),
        wait=st.integers(min_value=0, max_value=12),
        decision=st.sampled_from([*Decision, ""]),
    )
    def step(self, transition: Transition, wait: int, decision: str) -> None:
        self.today += timedelta(days=wait)
        before = self.flow
        allowed = transition in before.allowed(self.today, CALENDAR) and (
            transition != Transition.DECIDE or decision
        )
        late = before.correction_period_over(self.today, CALENDAR)
        try:
            after = before.apply(
                transition,
                on=self.today,
                calendar=CALENDAR,
                decision=decision,
                issues_certificate=self.issues,
            )
        except CorrectionPeriodOver:
            # An answer to the receipt after its 5 working days, and only that.
            assert late and transition in RECEIPT_ANSWERS and before.state == State.RECEIVED
            assert not allowed and self.flow == before
            return
        except IllegalTransition:
            assert not allowed, (transition, before.state)
            assert self.flow == before  # refused: nothing changed
            return
        assert allowed, (transition, before.state)
        assert not (late and transition in RECEIPT_ANSWERS)
        self._took(transition, before, after)

    @rule(
        transition=st.sampled_from(list(Transition)),
        wait=st.integers(min_value=0, max_value=12),
        decision=st.sampled_from([*Decision, ""]),
    )
    def act(self, transition: Transition, wait: int, decision: str) -> None:
        """A step as the actions take it: the deemed acceptance the law has by the day
        first, if nobody recorded it, then the step."""
        self.today += timedelta(days=wait)
        before = self.flow
        late = before.correction_period_over(self.today, CALENDAR)
        try:
            steps = before.advance(
                transition,
                on=self.today,
                calendar=CALENDAR,
                decision=decision,
                issues_certificate=self.issues,
            )
        except CorrectionPeriodOver:
            assert late and transition in RECEIPT_ANSWERS
            return
        except IllegalTransition:
            assert self.flow == before
            return
        assert steps[-1][0] == transition
        deemed_first = late and transition != Transition.DEEM_ACCEPTED
        assert [t for t, _flow in steps[:-1]] == ([Transition.DEEM_ACCEPTED] if deemed_first else [])
        for taken, after in steps:
            self._took(taken, before, after)
            before = after

    @precondition(lambda self: self.flow.state not in TERMINAL)
    @rule(
        data=st.data(), wait=st.integers(min_value=0, max_value=6), decision=st.sampled_from(list(Decision))
    )
    def progress(self, data: st.DataObject, wait: int, decision: str) -> None:
        """A step forward the flow allows, so that runs reach decisions and certificates
        often (the other rules withdraw and refuse)."""
        self.today += timedelta(days=wait)
        ending = (Transition.WITHDRAW, Transition.NOT_ACCEPT)
        choices = [t for t in self.flow.allowed(self.today, CALENDAR) if t not in ending]
        if not choices:
            return
        transition = data.draw(st.sampled_from(choices))
        before = self.flow
        after = before.apply(
            transition, on=self.today, calendar=CALENDAR, decision=decision, issues_certificate=self.issues
        )
        self._took(transition, before, after)

    def _took(self, transition: Transition, before: CaseFlow, after: CaseFlow) -> None:
        sources, target = TRANSITIONS[transition]
        assert before.state in sources and after.state == (target or before.state)
        if transition == Transition.DEEM_ACCEPTED:
            # Deemed only once the 5 working days are over, as of the day of receipt.
            assert self.today > CALENDAR.add_working_days(before.received_on, ACCEPTANCE_DAYS).day
            assert after.accepted_on == before.received_on
        self.history.append((before.state, after.state))
        self.flow = after

    @invariant()
    def terminal_states_allow_nothing(self) -> None:
        if self.flow.state in TERMINAL:
            assert self.flow.allowed(self.today, CALENDAR) == []

    @invariant()
    def dates_run_forward(self) -> None:
        f = self.flow
        chain = [d for d in (f.accepted_on, f.decided_on, f.concluded_on, f.issued_on) if d is not None]
        assert chain == sorted(chain)
        if f.accepted_on is not None and f.decided_on is not None:
            assert f.accepted_on <= f.decided_on

    @invariant()
    def the_law_reads_an_unanswered_receipt_as_accepted(self) -> None:
        f = self.flow
        law = f.as_of(self.today, CALENDAR)
        over = f.state == State.RECEIVED and self.today > f.acceptance_due_on(CALENDAR)
        assert law.state == State.ACCEPTED if over else law == f, (f, self.today)
        if over:
            # As of receipt, with the decision due from that day: what a read shows.
            assert law.accepted_on == f.received_on == law.received_on
            assert law.due_on(CALENDAR) == f.deemed_due_on(CALENDAR)
            assert CALENDAR.working_days_between(f.received_on, law.due_on(CALENDAR)) == f.limit_days  # type: ignore[arg-type]
            assert all(t not in RECEIPT_ANSWERS for t in f.allowed(self.today, CALENDAR))

    @invariant()
    def the_certificate_is_due_10_working_days_after_an_approval(self) -> None:
        f = self.flow
        if f.issues_certificate:
            assert f.decision == Decision.APPROVED
        due, sla = f.due_on(CALENDAR), f.sla(self.today, CALENDAR)
        if f.clock == Clock.CERTIFICATE:
            assert f.state in (State.DECIDED, State.CONCLUDED) and f.issues_certificate
            assert f.decided_on is not None and due is not None
            assert CALENDAR.working_days_between(f.decided_on, due) == CERTIFICATE_DAYS
            assert CALENDAR.is_working_day(due)
            assert (sla == SlaState.OVERDUE) == (self.today > due)
            assert sla != SlaState.CLOSED
        elif f.state in (State.DECIDED, State.CONCLUDED):
            assert due is None and sla == SlaState.CLOSED  # nothing to issue: no clock
        if f.state == State.CERTIFICATE_ISSUED:
            # Issuing ends the clock.
            assert f.clock is None and due is None and sla == SlaState.CLOSED
            assert f.issued_on is not None

    @invariant()
    def the_clock_stops_only_in_special_procedure(self) -> None:
        f = self.flow
        assert (f.suspended_on is not None) == (f.state == State.SPECIAL_PROCEDURE)
        assert f.paused_days >= 0
        assert f.sla(self.today, CALENDAR) == SlaState.PAUSED or f.state != State.SPECIAL_PROCEDURE

    @invariant()
    def the_deadline_agrees_with_a_count_of_working_days(self) -> None:
        f = self.flow
        if f.state in CLOCK_RUNNING:
            assert f.accepted_on is not None
            due = f.due_on(CALENDAR)
            assert due is not None
            allowed = f.limit_days + f.extension_days + f.paused_days
            # The deadline is the working day on which the allowed count is reached.
            assert CALENDAR.working_days_between(f.accepted_on, due) == allowed
            assert allowed == 0 or CALENDAR.is_working_day(due)
            assert (f.sla(self.today, CALENDAR) == SlaState.OVERDUE) == (self.today > due)

    @invariant()
    def decisions_are_complete(self) -> None:
        f = self.flow
        decided = f.decided_on is not None
        assert decided == (f.decision in DECISIONS)
        if f.state in (State.DECIDED, State.CONCLUDED, State.CERTIFICATE_ISSUED):
            assert decided and f.decided_on_time is not None
        if f.state == State.CERTIFICATE_ISSUED:
            assert f.decision == Decision.APPROVED

    @invariant()
    def citizens_see_one_of_six_states(self) -> None:
        assert self.flow.public_state in PublicState
        assert PUBLIC[self.flow.state] == self.flow.public_state

    @invariant()
    def every_step_taken_is_in_the_table(self) -> None:
        pairs = {(src, target or src) for sources, target in TRANSITIONS.values() for src in sources}
        assert set(self.history) <= pairs


CaseMachine.TestCase.settings = settings(max_examples=100, stateful_step_count=100, deadline=None)
TestCaseLifecycle = CaseMachine.TestCase


def test_deemed_acceptance_counts_from_the_day_materials_arrived() -> None:
    flow = CaseFlow(limit_days=20, received_on=date(2025, 1, 24))
    assert flow.due_on(CALENDAR) == date(2025, 2, 7)  # 5 working days over the Spring Festival
    deemed = flow.apply(Transition.DEEM_ACCEPTED, on=date(2025, 2, 10), calendar=CALENDAR)
    assert deemed.accepted_on == date(2025, 1, 24)


def test_a_special_procedure_moves_the_deadline_by_the_days_it_lasted() -> None:
    flow = CaseFlow(limit_days=10, received_on=date(2025, 3, 3))
    flow = flow.apply(Transition.ACCEPT, on=date(2025, 3, 3), calendar=CALENDAR)
    flow = flow.apply(Transition.START_REVIEW, on=date(2025, 3, 4), calendar=CALENDAR)
    before = flow.due_on(CALENDAR)
    assert before == date(2025, 3, 17)
    flow = flow.apply(Transition.SUSPEND, on=date(2025, 3, 5), calendar=CALENDAR)
    flow = flow.apply(Transition.RESUME, on=date(2025, 3, 12), calendar=CALENDAR)  # 5 working days
    assert flow.paused_days == 5 and flow.due_on(CALENDAR) == date(2025, 3, 24)


def test_an_approval_starts_the_certificate_clock_across_national_day() -> None:
    flow = CaseFlow(limit_days=20, received_on=date(2025, 9, 22))
    flow = flow.apply(Transition.ACCEPT, on=date(2025, 9, 22), calendar=CALENDAR)
    refused = flow.apply(
        Transition.DECIDE,
        on=date(2025, 9, 26),
        calendar=CALENDAR,
        decision=Decision.REFUSED,
        issues_certificate=True,
    )
    assert refused.clock is None and refused.due_on(CALENDAR) is None  # nothing to issue
    flow = flow.apply(
        Transition.DECIDE,
        on=date(2025, 9, 26),
        calendar=CALENDAR,
        decision=Decision.APPROVED,
        issues_certificate=True,
    )
    # Sun 28 Sep and Sat 11 Oct are make-up working days; 1-8 Oct are holidays.
    assert flow.clock == Clock.CERTIFICATE and flow.due_on(CALENDAR) == date(2025, 10, 16)
    assert flow.sla(date(2025, 10, 16), CALENDAR) == SlaState.DUE_SOON
    assert flow.sla(date(2025, 10, 17), CALENDAR) == SlaState.OVERDUE
    flow = flow.apply(Transition.CONCLUDE, on=date(2025, 10, 17), calendar=CALENDAR)
    assert flow.due_on(CALENDAR) == date(2025, 10, 16)  # concluding does not end it
    flow = flow.apply(Transition.ISSUE_CERTIFICATE, on=date(2025, 10, 20), calendar=CALENDAR)
    assert (flow.clock, flow.due_on(CALENDAR), flow.issued_on) == (None, None, date(2025, 10, 20))
    assert flow.sla(date(2025, 10, 20), CALENDAR) == SlaState.CLOSED


def test_five_working_days_after_receipt_the_case_counts_as_accepted_on_receipt() -> None:
    flow = CaseFlow(limit_days=10, received_on=date(2025, 1, 24))  # answer due 7 Feb
    assert flow.as_of(date(2025, 2, 7), CALENDAR) is flow
    with pytest.raises(IllegalTransition):
        flow.apply(Transition.DEEM_ACCEPTED, on=date(2025, 2, 7), calendar=CALENDAR)
    law = flow.as_of(date(2025, 2, 10), CALENDAR)
    assert (law.state, law.accepted_on) == (State.ACCEPTED, date(2025, 1, 24))
    # Make-up days on Sun 26 Jan and Sat 8 Feb; the Spring Festival from 28 Jan to 4 Feb.
    assert law.due_on(CALENDAR) == flow.deemed_due_on(CALENDAR) == date(2025, 2, 13)
    for answer in RECEIPT_ANSWERS:
        with pytest.raises(CorrectionPeriodOver):
            flow.advance(answer, on=date(2025, 2, 10), calendar=CALENDAR, decision="")
    steps = flow.advance(Transition.START_REVIEW, on=date(2025, 2, 10), calendar=CALENDAR)
    assert [t for t, _f in steps] == [Transition.DEEM_ACCEPTED, Transition.START_REVIEW]
    assert steps[-1][1].accepted_on == date(2025, 1, 24)
