"""The case lifecycle as a state machine: 10,000 random steps (100 runs of 100), every
step either allowed by the transition table and applied, or refused with nothing changed;
and the clock agrees with an independent count of working days."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from onestop.cases.lifecycle import (
    CLOCK_RUNNING,
    DECISIONS,
    PUBLIC,
    TERMINAL,
    TRANSITIONS,
    CaseFlow,
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
    )
    def receive(self, limit: int, start: date) -> None:
        self.flow = CaseFlow(limit_days=limit, received_on=start)
        self.today = start
        self.history: list[tuple[State, State]] = []

    @rule(transition=st.sampled_from(list(Transition)), wait=st.integers(min_value=0, max_value=12),
          decision=st.sampled_from([*Decision, ""]))  # fmt: skip
    def step(self, transition: Transition, wait: int, decision: str) -> None:
        self.today += timedelta(days=wait)
        before = self.flow
        allowed = transition in before.allowed() and (transition != Transition.DECIDE or decision)
        try:
            after = before.apply(transition, on=self.today, calendar=CALENDAR, decision=decision)
        except IllegalTransition:
            assert not allowed, (transition, before.state)
            assert self.flow == before  # refused: nothing changed
            return
        assert allowed, (transition, before.state)
        sources, target = TRANSITIONS[transition]
        assert before.state in sources and after.state == (target or before.state)
        self.history.append((before.state, after.state))
        self.flow = after

    @invariant()
    def terminal_states_allow_nothing(self) -> None:
        if self.flow.state in TERMINAL:
            assert self.flow.allowed() == []

    @invariant()
    def dates_run_forward(self) -> None:
        f = self.flow
        chain = [d for d in (f.accepted_on, f.decided_on, f.concluded_on) if d is not None]
        assert chain == sorted(chain)
        if f.accepted_on is not None and f.decided_on is not None:
            assert f.accepted_on <= f.decided_on

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
        pairs = {
            (src, target or src) for sources, target in TRANSITIONS.values() for src in sources
        }
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
